//! Variable scopes (frames).

use std::cell::RefCell;
use std::rc::Rc;

use super::value::{built, Value};
use crate::support::ordmap::OrdMap;

#[derive(Debug, Default)]
pub struct Env {
    vars: RefCell<OrdMap<Value>>,
    parent: Option<Rc<Env>>,
}

impl Env {
    pub fn root() -> Rc<Env> {
        Rc::new(Env::default())
    }
    /// A frame, counted as a value built (see `value::take_built`): closures keep theirs.
    pub fn child(parent: &Rc<Env>) -> Rc<Env> {
        built(96);
        Rc::new(Env { vars: RefCell::new(OrdMap::new()), parent: Some(parent.clone()) })
    }
    pub fn bind(&self, name: &str, v: Value) {
        built(96 + name.len());
        self.vars.borrow_mut().insert(name.to_string(), v);
    }
    pub fn lookup(&self, name: &str) -> Option<Value> {
        let mut e = self;
        loop {
            if let Some(v) = e.vars.borrow().get(name) {
                return Some(v.clone());
            }
            match &e.parent {
                Some(p) => e = p,
                None => return None,
            }
        }
    }
    /// Drop all bindings (breaks reference cycles between closures and their frames).
    pub fn clear(&self) {
        if let Ok(mut v) = self.vars.try_borrow_mut() {
            v.clear();
        }
    }
}
