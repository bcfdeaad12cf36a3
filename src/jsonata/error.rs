//! JSONata errors: a code (`S0201`, `T2001`, ...), jsonata-js's message and a position.

use std::fmt;

/// A JSONata error: [`ErrorData`] behind one pointer, so that `Result`s stay small (they
/// are returned and propagated with `?` everywhere in the evaluator).
#[derive(Clone, PartialEq)]
pub struct Error(Box<ErrorData>);

#[derive(Debug, Clone, PartialEq)]
pub struct ErrorData {
    pub code: String,
    pub message: String,
    pub position: Option<usize>,
}

impl Error {
    pub fn new(code: impl Into<String>, message: impl Into<String>, position: Option<usize>) -> Error {
        Error(Box::new(ErrorData { code: code.into(), message: message.into(), position }))
    }
}

impl std::ops::Deref for Error {
    type Target = ErrorData;
    fn deref(&self) -> &ErrorData {
        &self.0
    }
}

impl std::ops::DerefMut for Error {
    fn deref_mut(&mut self) -> &mut ErrorData {
        &mut self.0
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some(p) => write!(f, "{} at position {}: {}", self.code, p, self.message),
            None => write!(f, "{}: {}", self.code, self.message),
        }
    }
}

impl std::error::Error for Error {}

/// Message templates, a line each: the code, a space, the template; `{{token}}`, `{{value}}`,
/// `{{value2}}` and `{{index}}` are filled in. (One text searched by line: far less code than
/// a `match` over the codes.)
const TEMPLATES: &str = "\
S0101 String literal must be terminated by a matching quote\n\
S0102 Number out of range: {{token}}\n\
S0103 Unsupported escape sequence: \\{{token}}\n\
S0104 The escape sequence \\u must be followed by 4 hex digits\n\
S0105 Quoted property name must be terminated with a backquote (`)\n\
S0106 Comment has no closing tag\n\
S0201 Syntax error: {{token}}\n\
S0202 Expected {{value}}, got {{token}}\n\
S0203 Expected {{value}} before end of expression\n\
S0204 Unknown operator: {{token}}\n\
S0205 Unexpected token: {{token}}\n\
S0206 Unknown expression type: {{token}}\n\
S0207 Unexpected end of expression\n\
S0208 Parameter {{value}} of function definition must be a variable name (start with $)\n\
S0209 A predicate cannot follow a grouping expression in a step\n\
S0210 Each step can only have one grouping expression\n\
S0211 The symbol {{token}} cannot be used as a unary operator\n\
S0212 The left side of := must be a variable name (start with $)\n\
S0213 The literal value {{value}} cannot be used as a step within a path expression\n\
S0214 The right side of {{token}} must be a variable name (start with $)\n\
S0215 A context variable binding must precede any predicates on a step\n\
S0216 A context variable binding must precede the 'order-by' clause on a step\n\
S0217 The object representing the 'parent' cannot be derived from this expression\n\
S0301 Empty regular expressions are not allowed\n\
S0302 No terminating / in regular expression\n\
S0402 Choice groups containing parameterized types are not supported\n\
S0401 Type parameters can only be applied to functions and arrays\n\
S0500 Attempted to evaluate an expression containing syntax error(s)\n\
T0410 Argument {{index}} of function {{token}} does not match function signature\n\
T0411 Context value is not a compatible type with argument {{index}} of function {{token}}\n\
T0412 Argument {{index}} of function {{token}} must be an array of {{type}}\n\
D1001 Number out of range: {{value}}\n\
D1002 Cannot negate a non-numeric value: {{value}}\n\
T1003 Key in object structure must evaluate to a string; got: {{value}}\n\
D1004 Regular expression matches zero length string\n\
T1005 Attempted to invoke a non-function. Did you mean ${{{token}}}?\n\
T1006 Attempted to invoke a non-function\n\
T1007 Attempted to partially apply a non-function. Did you mean ${{{token}}}?\n\
T1008 Attempted to partially apply a non-function\n\
D1009 Multiple key definitions evaluate to same key: {{value}}\n\
D1010 Attempted to access the Javascript object prototype\n\
T1010 The matcher function argument passed to function {{token}} does not return the correct object structure\n\
T2001 The left side of the {{token}} operator must evaluate to a number\n\
T2002 The right side of the {{token}} operator must evaluate to a number\n\
T2003 The left side of the range operator (..) must evaluate to an integer\n\
T2004 The right side of the range operator (..) must evaluate to an integer\n\
D2005 The left side of := must be a variable name (start with $)\n\
T2006 The right side of the function application operator ~> must be a function\n\
T2007 Type mismatch when comparing values {{value}} and {{value2}} in order-by clause\n\
T2008 The expressions within an order-by clause must evaluate to numeric or string values\n\
T2009 The values {{value}} and {{value2}} either side of operator {{token}} must be of the same data type\n\
T2010 The expressions either side of operator {{token}} must evaluate to numeric or string values\n\
T2011 The insert/update clause of the transform expression must evaluate to an object: {{value}}\n\
T2012 The delete clause of the transform expression must evaluate to a string or array of strings: {{value}}\n\
T2013 The transform expression clones the input object using the $clone() function.  This has been overridden in the current scope by a non-function.\n\
D2014 The size of the sequence allocated by the range operator (..) must not exceed 1e7.  Attempted to allocate {{value}}.\n\
D3001 Attempting to invoke string function on Infinity or NaN\n\
D3010 Second argument of replace function cannot be an empty string\n\
D3011 Fourth argument of replace function must evaluate to a positive number\n\
D3012 Attempted to replace a matched string with a non-string value\n\
D3020 Third argument of split function must evaluate to a positive number\n\
D3030 Unable to cast value to a number: {{value}}\n\
D3040 Third argument of match function must evaluate to a positive number\n\
D3050 The second argument of reduce function must be a function with at least two arguments\n\
D3060 The sqrt function cannot be applied to a negative number: {{value}}\n\
D3061 The power function has resulted in a value that cannot be represented as a JSON number: base={{value}}, exponent={{exp}}\n\
D3070 The single argument form of the sort function can only be applied to an array of strings or an array of numbers.  Use the second argument to specify a comparison function\n\
D3080 The picture string must only contain a maximum of two sub-pictures\n\
D3081 The sub-picture must not contain more than one instance of the 'decimal-separator' character\n\
D3082 The sub-picture must not contain more than one instance of the 'percent' character\n\
D3083 The sub-picture must not contain more than one instance of the 'per-mille' character\n\
D3084 The sub-picture must not contain both a 'percent' and a 'per-mille' character\n\
D3085 The mantissa part of a sub-picture must contain at least one character that is either an 'optional digit character' or a member of the 'decimal digit family'\n\
D3086 The sub-picture must not contain a passive character that is preceded by an active character and that is followed by another active character\n\
D3087 The sub-picture must not contain a 'grouping-separator' character that appears adjacent to a 'decimal-separator' character\n\
D3088 The sub-picture must not contain a 'grouping-separator' at the end of the integer part\n\
D3089 The sub-picture must not contain two adjacent instances of the 'grouping-separator' character\n\
D3090 The integer part of the sub-picture must not contain a member of the 'decimal digit family' that is followed by an instance of the 'optional digit character'\n\
D3091 The fractional part of the sub-picture must not contain an instance of the 'optional digit character' that is followed by a member of the 'decimal digit family'\n\
D3092 A sub-picture that contains a 'percent' or 'per-mille' character must not contain a character treated as an 'exponent-separator'\n\
D3093 The exponent part of the sub-picture must comprise only of one or more characters that are members of the 'decimal digit family'\n\
D3100 The radix of the formatBase function must be between 2 and 36.  It was given {{value}}\n\
D3110 The argument of the toMillis function must be an ISO 8601 formatted timestamp. Given {{value}}\n\
D3120 Syntax error in expression passed to function eval: {{value}}\n\
D3121 Dynamic error evaluating the expression passed to function eval: {{value}}\n\
D3130 Formatting or parsing an integer as a sequence starting with {{value}} is not supported by this implementation\n\
D3131 In a decimal digit pattern, all digits must be from the same decimal group\n\
D3132 Unknown component specifier {{value}} in date/time picture string\n\
D3133 The 'name' modifier can only be applied to months and days in the date/time picture string, not {{value}}\n\
D3134 The timezone integer format specifier cannot have more than four digits\n\
D3135 No matching closing bracket ']' in date/time picture string\n\
D3136 The date/time picture string is missing specifiers required to parse the timestamp\n\
D3137 {{message}}\n\
D3138 The $single() function expected exactly 1 matching result.  Instead it matched more.\n\
D3139 The $single() function expected exactly 1 matching result.  Instead it matched 0.\n\
D3140 Malformed URL passed to ${{{functionName}}}(): {{value}}\n\
D3141 {{message}}\n\
U1001 Stack overflow error: Check for non-terminating recursive function.  Consider rewriting as tail-recursive.\n\
U1002 Expression evaluation timeout: Check for infinite loop";

fn template(code: &str) -> &'static str {
    TEMPLATES.lines().find_map(|l| l.strip_prefix(code)?.strip_prefix(' ')).unwrap_or("Error")
}

/// Error details used to fill the message template.
#[derive(Default, Clone)]
pub struct Detail {
    pub token: Option<String>,
    pub value: Option<String>,
    pub value2: Option<String>,
    pub index: Option<usize>,
    pub message: Option<String>,
    pub extra: Option<(&'static str, String)>,
}

/// The most a message quotes of one value, in bytes: jsonata-js quotes values whole, but a
/// value can be a hundred megabytes, and AWS keeps at most 32,768 characters of a cause.
pub const MAX_QUOTE: usize = 4096;

/// `s` cut to at most `max` bytes (at a character boundary), with "..." when cut.
pub fn bounded(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    if s.len() <= max {
        return s.into();
    }
    let mut cut = max;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}...", &s[..cut]).into()
}

pub fn make(code: &str, position: Option<usize>, d: &Detail) -> Error {
    let mut msg = template(code).to_string();
    let fill = |msg: &mut String, key: &str, val: &str| {
        *msg = msg.replace(key, &bounded(val, MAX_QUOTE));
    };
    fill(&mut msg, "{{token}}", d.token.as_deref().unwrap_or(""));
    fill(&mut msg, "{{value}}", d.value.as_deref().unwrap_or(""));
    fill(&mut msg, "{{value2}}", d.value2.as_deref().unwrap_or(""));
    fill(&mut msg, "{{index}}", &d.index.map(|i| i.to_string()).unwrap_or_default());
    fill(&mut msg, "{{message}}", d.message.as_deref().unwrap_or(""));
    if let Some((k, v)) = &d.extra {
        fill(&mut msg, &format!("{{{{{}}}}}", k), v);
    }
    Error::new(code, msg, position)
}

impl Error {
    pub(crate) fn at(code: &str, pos: usize) -> Error {
        make(code, Some(pos), &Detail::default())
    }
    pub(crate) fn tok(code: &str, pos: usize, token: &str) -> Error {
        make(code, Some(pos), &Detail { token: Some(token.to_string()), ..Default::default() })
    }
    pub(crate) fn with_pos(mut self, pos: usize) -> Error {
        if self.position.is_none() {
            self.position = Some(pos);
        }
        self
    }
}
