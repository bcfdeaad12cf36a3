//! Number formatting (in progress).
use super::super::eval::{Eval, R};
use super::super::value::*;
use super::CallCtx;
pub fn format_number(_: &mut Eval, _: &[Value], _: &CallCtx) -> R<Value> { Ok(Value::Undefined) }
pub fn format_base(_: &mut Eval, _: &[Value], _: &CallCtx) -> R<Value> { Ok(Value::Undefined) }
pub fn format_integer(_: &mut Eval, _: &[Value], _: &CallCtx) -> R<Value> { Ok(Value::Undefined) }
pub fn parse_integer(_: &mut Eval, _: &[Value], _: &CallCtx) -> R<Value> { Ok(Value::Undefined) }
