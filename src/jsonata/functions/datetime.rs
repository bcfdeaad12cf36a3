//! Date/time functions (in progress).
use super::super::eval::{Eval, R};
use super::super::value::*;
use super::CallCtx;
pub fn to_millis(_: &mut Eval, _: &[Value], _: &CallCtx) -> R<Value> { Ok(Value::Undefined) }
pub fn from_millis(_: &mut Eval, _: &[Value], _: &CallCtx) -> R<Value> { Ok(Value::Undefined) }
pub fn now(_: &mut Eval, _: &[Value], _: &CallCtx) -> R<Value> { Ok(Value::Undefined) }
pub fn millis(ev: &mut Eval, _: &[Value], _: &CallCtx) -> R<Value> { Ok(Value::Num(ev.now)) }
