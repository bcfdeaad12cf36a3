//! statelab: an Amazon States Language interpreter with a sans-IO core.
//!
//! See ARCHITECTURE.md for the bird's-eye view and the code map.

pub mod asl;
pub mod dataflow;
pub mod driver;
pub mod error;
pub mod exec;
pub mod jsonata;
pub mod mock;
pub mod support;
pub mod value;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use error::Failure;
