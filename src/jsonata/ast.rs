//! The processed syntax tree the evaluator walks (the shape jsonata-js's `processAST` produces).

use std::cell::Cell;
use std::rc::Rc;

use super::regex::Regex;
use super::signature::Signature;

/// A parent-operator slot: `%` binds the ancestor under a generated label.
#[derive(Debug)]
pub struct Slot {
    pub label: Cell<usize>,
    pub level: Cell<i32>,
    pub index: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Concat,
    And,
    Or,
    In,
    Range,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Mod => "%",
            BinOp::Eq => "=",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Concat => "&",
            BinOp::And => "and",
            BinOp::Or => "or",
            BinOp::In => "in",
            BinOp::Range => "..",
        }
    }
}

#[derive(Debug)]
pub enum Stage {
    Filter(Node),
    Index(String),
}

#[derive(Debug)]
pub struct SortTerm {
    pub descending: bool,
    pub expr: Node,
}

#[derive(Debug)]
pub struct LambdaDef {
    pub params: Vec<String>,
    pub signature: Option<Rc<Signature>>,
    pub body: Rc<Node>,
    pub thunk: bool,
}

#[derive(Debug)]
pub struct TransformDef {
    pub pattern: Node,
    pub update: Node,
    pub delete: Option<Node>,
}

#[derive(Debug)]
pub enum Kind {
    Path(Vec<Node>),
    Name(String),
    Str(String),
    Num(f64),
    Bool(bool),
    Null,
    Regex(Rc<Regex>),
    Var(String),
    Wildcard,
    Descendant,
    Parent(Rc<Slot>),
    Binary(BinOp, Box<Node>, Box<Node>),
    Neg(Box<Node>),
    ArrayCons(Vec<Node>),
    ObjectCons(Vec<(Node, Node)>),
    Condition(Box<Node>, Box<Node>, Option<Box<Node>>),
    Coalesce(Box<Node>, Box<Node>),
    Elvis(Box<Node>, Box<Node>),
    Block(Vec<Node>),
    Bind(String, Box<Node>),
    Apply(Box<Node>, Box<Node>),
    Call(Box<Node>, Vec<Node>),
    Partial(Box<Node>, Vec<Option<Node>>),
    Lambda(Rc<LambdaDef>),
    Sort(Vec<SortTerm>),
    Transform(Rc<TransformDef>),
}

/// Group-by pairs `{key: value, ...}` and the position of the `{`.
pub type GroupBy = (Vec<(Node, Node)>, usize);

#[derive(Debug)]
pub struct Node {
    pub kind: Kind,
    pub pos: usize,
    pub keep_array: bool,
    /// Predicates applied after evaluating a non-step expression.
    pub predicate: Vec<Node>,
    /// Predicates / index bindings applied per input item of a path step.
    pub stages: Vec<Stage>,
    /// Group-by object constructor `expr{k: v}`.
    pub group: Option<Box<GroupBy>>,
    pub focus: Option<String>,
    pub index: Option<String>,
    pub tuple: bool,
    pub ancestor: Option<Rc<Slot>>,
    pub cons_array: bool,
    pub keep_singleton_array: bool,
    pub seeking_parent: Vec<Rc<Slot>>,
}

/// The left operand of a node whose left operand is evaluated first: the left spine of an
/// operator chain (`1+1+...`, `f()()...`, `a ~> $f ~> ...`), as long as the expression.
pub fn spine(k: &Kind) -> Option<&Node> {
    match k {
        Kind::Binary(_, l, _)
        | Kind::Apply(l, _)
        | Kind::Call(l, _)
        | Kind::Partial(l, _)
        | Kind::Condition(l, ..)
        | Kind::Elvis(l, _)
        | Kind::Coalesce(l, _) => Some(l),
        _ => None,
    }
}

impl Drop for Node {
    /// A long left spine is unlinked in a loop rather than dropped recursively.
    fn drop(&mut self) {
        let mut next = take_spine(&mut self.kind);
        while let Some(mut n) = next {
            next = take_spine(&mut n.kind);
        }
    }
}

fn take_spine(k: &mut Kind) -> Option<Node> {
    match k {
        Kind::Binary(_, l, _)
        | Kind::Apply(l, _)
        | Kind::Call(l, _)
        | Kind::Partial(l, _)
        | Kind::Condition(l, ..)
        | Kind::Elvis(l, _)
        | Kind::Coalesce(l, _) => Some(std::mem::replace(&mut **l, Node::new(Kind::Null, 0))),
        _ => None,
    }
}

impl Node {
    #[inline(never)]
    pub fn new(kind: Kind, pos: usize) -> Node {
        Node {
            kind,
            pos,
            keep_array: false,
            predicate: Vec::new(),
            stages: Vec::new(),
            group: None,
            focus: None,
            index: None,
            tuple: false,
            ancestor: None,
            cons_array: false,
            keep_singleton_array: false,
            seeking_parent: Vec::new(),
        }
    }
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            Kind::Path(_) => "path",
            Kind::Name(_) => "name",
            Kind::Str(_) => "string",
            Kind::Num(_) => "number",
            Kind::Bool(_) | Kind::Null => "value",
            Kind::Regex(_) => "regex",
            Kind::Var(_) => "variable",
            Kind::Wildcard => "wildcard",
            Kind::Descendant => "descendant",
            Kind::Parent(_) => "parent",
            Kind::Binary(..) => "binary",
            Kind::Neg(_) | Kind::ArrayCons(_) | Kind::ObjectCons(_) => "unary",
            Kind::Condition(..) => "condition",
            Kind::Coalesce(..) => "coalesce",
            Kind::Elvis(..) => "condition",
            Kind::Block(_) => "block",
            Kind::Bind(..) => "bind",
            Kind::Apply(..) => "apply",
            Kind::Call(..) => "function",
            Kind::Partial(..) => "partial",
            Kind::Lambda(_) => "lambda",
            Kind::Sort(_) => "sort",
            Kind::Transform(_) => "transform",
        }
    }
    pub fn is_array_cons(&self) -> bool {
        matches!(self.kind, Kind::ArrayCons(_))
    }
}
