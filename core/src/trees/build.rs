//! Checking and linking a tree node's arrays: lengths, ids, modes, features, children, one tree
//! per id with no node reached twice, and the leaves' weights. Nothing is sized by an id the
//! graph claims, only by the arrays it holds.

use std::collections::{HashMap, HashSet};

use super::attrs::{Attrs, LeafWeights};
use super::{invalid, Mode, Node, MAX_TREE_NODES};
use crate::error::Result;
use crate::onnx::NodeProto;

/// `(tree id, node id)` → index into the node arrays.
pub(super) type Index = HashMap<(i64, i64), u32>;

/// The node arrays, checked and linked: lengths, ids, modes, features, children, tree shape;
/// with each tree's root and the index of the ids.
pub(super) fn nodes(attrs: &Attrs, n_features: usize) -> Result<(Vec<Node>, Vec<u32>, Index)> {
    let node = attrs.node;
    let (tree_ids, node_ids, modes) = (attrs.ints("nodes_treeids"), attrs.ints("nodes_nodeids"), attrs.strings("nodes_modes"));
    let (features, yes, no) = (attrs.ints("nodes_featureids"), attrs.ints("nodes_truenodeids"), attrs.ints("nodes_falsenodeids"));
    let missing = attrs.ints("nodes_missing_value_tracks_true");
    let n = tree_ids.len();
    if n == 0 || n > MAX_TREE_NODES {
        return Err(invalid(node, format!("{n} nodes; 1 to {MAX_TREE_NODES} are accepted")));
    }
    for (name, len) in [("nodes_nodeids", node_ids.len()), ("nodes_modes", modes.len()), ("nodes_featureids", features.len())]
        .into_iter()
        .chain([("nodes_truenodeids", yes.len()), ("nodes_falsenodeids", no.len())])
    {
        if len != n {
            return Err(invalid(node, format!("`{name}` has {len} values, `nodes_treeids` {n}")));
        }
    }
    if !missing.is_empty() && missing.len() != n {
        return Err(invalid(node, format!("`nodes_missing_value_tracks_true` has {} values for {n} nodes", missing.len())));
    }
    let values = attrs.floats("nodes_values")?;
    if values.len() != n {
        return Err(invalid(node, format!("`nodes_values` has {} values for {n} nodes", values.len())));
    }
    let index = node_index(node, tree_ids, node_ids)?;
    let mut nodes = Vec::with_capacity(n);
    for i in 0..n {
        let mode = Mode::parse(&modes[i]).ok_or_else(|| {
            invalid(node, format!("node {} of tree {}: unknown mode `{}`", node_ids[i], tree_ids[i], String::from_utf8_lossy(&modes[i])))
        })?;
        let at = |what: &str| format!("node {} of tree {}: {what}", node_ids[i], tree_ids[i]);
        let (mut y, mut f, mut feature) = (0, 0, 0);
        if mode != Mode::Leaf {
            feature = u32::try_from(features[i])
                .ok()
                .filter(|&k| (k as usize) < n_features)
                .ok_or_else(|| invalid(node, at(&format!("feature {} is not one of the {n_features} inputs", features[i]))))?;
            let child = |id: i64, side: &str| {
                index
                    .get(&(tree_ids[i], id))
                    .copied()
                    .filter(|&c| c as usize != i)
                    .ok_or_else(|| invalid(node, at(&format!("{side} child {id} is not another node of the tree"))))
            };
            (y, f) = (child(yes[i], "true")?, child(no[i], "false")?);
        }
        nodes.push(Node { feature, value: values[i], yes: y, no: f, mode, missing_yes: missing.get(i).is_some_and(|&m| m == 1) });
    }
    let roots = roots(node, tree_ids)?;
    check_acyclic(node, &nodes, node_ids)?;
    Ok((nodes, roots, index))
}

/// `(tree id, node id)` → index, each pair once.
fn node_index(node: &NodeProto, tree_ids: &[i64], node_ids: &[i64]) -> Result<Index> {
    let mut index = HashMap::with_capacity(tree_ids.len());
    for (i, (&t, &id)) in tree_ids.iter().zip(node_ids).enumerate() {
        if index.insert((t, id), i as u32).is_some() {
            return Err(invalid(node, format!("node {id} of tree {t} is given twice")));
        }
    }
    Ok(index)
}

/// Each tree's root: its first node (as onnxruntime takes it); a tree's nodes are consecutive.
fn roots(node: &NodeProto, tree_ids: &[i64]) -> Result<Vec<u32>> {
    let mut roots: Vec<u32> = vec![0];
    let mut seen = HashSet::from([tree_ids[0]]);
    for i in 1..tree_ids.len() {
        if tree_ids[i] != tree_ids[i - 1] {
            if !seen.insert(tree_ids[i]) {
                return Err(invalid(node, format!("the nodes of tree {} are not consecutive", tree_ids[i])));
            }
            roots.push(i as u32);
        }
    }
    Ok(roots)
}

/// No tree has a cycle: no path from any node (reachable or not) comes back to a node on it.
/// (Nodes may be shared:
/// LightGBM's converter writes a categorical split as a chain of `BRANCH_EQ` nodes with one
/// true child.) A path then visits each node at most once.
fn check_acyclic(node: &NodeProto, nodes: &[Node], node_ids: &[i64]) -> Result<()> {
    const NEW: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let mut state = vec![NEW; nodes.len()];
    let mut stack: Vec<(u32, bool)> = Vec::new();
    let cycle = |i: u32| invalid(node, format!("node {} is on a cycle: not a tree", node_ids[i as usize]));
    for root in 0..nodes.len() as u32 {
        stack.push((root, false));
        while let Some((i, leaving)) = stack.pop() {
            let n = &nodes[i as usize];
            match (leaving, state[i as usize]) {
                (true, _) => state[i as usize] = DONE,
                (false, DONE) => {}
                (false, ON_PATH) => return Err(cycle(i)),
                (false, _) => {
                    state[i as usize] = ON_PATH;
                    stack.push((i, true));
                    if n.mode != Mode::Leaf {
                        for c in [n.yes, n.no] {
                            match state[c as usize] {
                                ON_PATH => return Err(cycle(c)),
                                NEW => stack.push((c, false)),
                                _ => {}
                            }
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

/// The leaves' weights, each naming an existing leaf and an output below `n_outputs`, in the
/// order given within a leaf; each leaf's `yes..no` is set to its range of them.
pub(super) fn weights(
    node: &NodeProto,
    nodes: &mut [Node],
    index: &Index,
    (ids, node_ids, tree_ids, weights): LeafWeights,
    n_outputs: usize,
) -> Result<Vec<(u32, f32)>> {
    let n = ids.len();
    if node_ids.len() != n || tree_ids.len() != n || weights.len() != n {
        let lens = format!("{n} ids, {} node ids, {} tree ids, {} weights", node_ids.len(), tree_ids.len(), weights.len());
        return Err(invalid(node, format!("leaf weights: {lens}")));
    }
    let mut by_leaf = Vec::with_capacity(n);
    for k in 0..n {
        let at = format!("leaf weight {k} (node {} of tree {})", node_ids[k], tree_ids[k]);
        let i = *index.get(&(tree_ids[k], node_ids[k])).ok_or_else(|| invalid(node, format!("{at}: no such node")))?;
        if nodes[i as usize].mode != Mode::Leaf {
            return Err(invalid(node, format!("{at}: the node is a branch, not a leaf")));
        }
        let out = u32::try_from(ids[k]).ok().filter(|&c| (c as usize) < n_outputs);
        let out = out.ok_or_else(|| invalid(node, format!("{at}: output {} is not below {n_outputs}", ids[k])))?;
        by_leaf.push((i, out, weights[k]));
    }
    by_leaf.sort_by_key(|&(i, _, _)| i);
    let mut out = Vec::with_capacity(n);
    let mut k = 0;
    for (i, n) in nodes.iter_mut().enumerate().filter(|(_, n)| n.mode == Mode::Leaf) {
        n.yes = out.len() as u32;
        while k < by_leaf.len() && by_leaf[k].0 as usize == i {
            out.push((by_leaf[k].1, by_leaf[k].2));
            k += 1;
        }
        n.no = out.len() as u32;
    }
    Ok(out)
}
