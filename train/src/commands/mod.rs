//! The commands other than `fit` (which is [`crate::fit`]): each reads a bundle and a file.

pub mod audit;
pub mod evaluate;
pub mod score;
pub mod split;
