//! Data flow: what a state does to its input on the way to its output. JSONPath, payload
//! templates and the intrinsic functions; JSONata in a state; the scope expressions see.

pub mod condition;
pub mod intrinsics;
#[cfg(feature = "extras")]
pub mod items;
pub mod java;
pub mod jsonpath;
pub mod pipeline;
pub mod query;
#[cfg(feature = "extras")]
pub mod results;
pub mod runtime_errors;
pub mod scope;
pub mod template;
