//! statelab: an Amazon States Language interpreter with a sans-IO core.
//!
//! See ARCHITECTURE.md for the bird's-eye view and the code map.

pub mod agenda;
pub mod asl;
pub mod case;
pub mod digest;
pub mod driver;
pub mod error;
pub mod exec;
pub mod intrinsics;
pub mod json;
pub mod jsonata;
pub mod jsonpath;
pub mod mock;
pub mod num;
pub mod ordmap;
pub mod payload;
pub mod quick_alloc;
pub mod sort;
pub mod time;
pub mod value;
#[cfg(target_arch = "wasm32")]
pub mod wasm;
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: quick_alloc::QuickAlloc<talc::wasm::WasmDynamicTalc> =
    quick_alloc::QuickAlloc::new(talc::wasm::new_wasm_dynamic_allocator());

pub use error::Failure;
