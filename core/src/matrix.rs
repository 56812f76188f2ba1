//! A dense row-major `f32` matrix: the raw model input (numbers, category codes, NaN = missing)
//! and the encoded features.

use crate::error::{Error, Result};

/// Row-major `rows × cols` values.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Matrix {
    data: Vec<f32>,
    cols: usize,
}

impl Matrix {
    /// Wraps `data` as rows of `cols` values; errors when the length does not divide.
    pub fn new(data: Vec<f32>, cols: usize) -> Result<Self> {
        if cols == 0 || !data.len().is_multiple_of(cols) {
            return Err(Error::Input(format!("{} values do not form rows of {cols}", data.len())));
        }
        Ok(Self { data, cols })
    }
    /// An empty matrix with `cols` columns, room reserved for `rows` rows.
    pub fn with_capacity(rows: usize, cols: usize) -> Self {
        Self { data: Vec::with_capacity(rows * cols), cols }
    }
    /// Removes every row, keeping the allocation.
    pub fn clear(&mut self) {
        self.data.clear();
    }
    /// Appends a row; its length must be `cols`.
    pub fn push_row(&mut self, row: &[f32]) {
        assert_eq!(row.len(), self.cols, "row length");
        self.data.extend_from_slice(row);
    }
    pub fn rows(&self) -> usize {
        self.data.len().checked_div(self.cols).unwrap_or(0)
    }
    pub fn cols(&self) -> usize {
        self.cols
    }
    pub fn row(&self, i: usize) -> &[f32] {
        &self.data[i * self.cols..(i + 1) * self.cols]
    }
    pub fn row_mut(&mut self, i: usize) -> &mut [f32] {
        &mut self.data[i * self.cols..(i + 1) * self.cols]
    }
    pub fn iter_rows(&self) -> impl ExactSizeIterator<Item = &[f32]> {
        self.data.chunks_exact(self.cols.max(1))
    }
    pub fn as_slice(&self) -> &[f32] {
        &self.data
    }
    pub fn into_vec(self) -> Vec<f32> {
        self.data
    }
    /// The rows at `idx`, in that order.
    pub fn select(&self, idx: &[usize]) -> Matrix {
        let mut m = Matrix::with_capacity(idx.len(), self.cols);
        for &i in idx {
            m.push_row(self.row(i));
        }
        m
    }
}
