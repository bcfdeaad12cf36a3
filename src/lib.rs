//! statelab: an Amazon States Language interpreter with a sans-IO core.
//!
//! See ARCHITECTURE.md for the bird's-eye view and the code map.

pub mod error;
pub mod intrinsics;
pub mod jsonata;
pub mod jsonpath;
pub mod payload;

pub use error::Failure;
