//! The parsed TOML document as an owned tree with byte spans, tables in file order.

use std::ops::Range;

use toml::de::{DeTable, DeValue};

/// A byte range in the source.
pub(crate) type Span = Range<usize>;

/// A TOML value.
#[derive(Clone, Debug)]
pub(crate) enum Val {
    Str(String),
    /// An integer; `None` when it does not fit in an i128 (only possible beyond TOML's range).
    Int(Option<i128>),
    Float(f64),
    Bool(bool),
    Datetime,
    Array(Vec<Node>),
    Table(Vec<Entry>),
}

/// A value with its span.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub val: Val,
    pub span: Span,
}

/// A key, its span and its value.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub key: String,
    pub key_span: Span,
    pub node: Node,
}

impl Node {
    /// "a string", "an integer", … for messages.
    pub fn kind(&self) -> &'static str {
        match self.val {
            Val::Str(_) => "a string",
            Val::Int(_) => "an integer",
            Val::Float(_) => "a float",
            Val::Bool(_) => "a boolean",
            Val::Datetime => "a date-time",
            Val::Array(_) => "an array",
            Val::Table(_) => "a table",
        }
    }

    /// The number, for integers and floats.
    pub fn number(&self) -> Option<f64> {
        match self.val {
            Val::Int(Some(i)) => Some(i as f64),
            Val::Float(f) => Some(f),
            _ => None,
        }
    }

    /// The entries, for tables.
    pub fn entries(&self) -> Option<&[Entry]> {
        match &self.val {
            Val::Table(t) => Some(t),
            _ => None,
        }
    }
}

/// Parses a document into the tree.
pub(crate) fn parse(src: &str) -> Result<Node, toml::de::Error> {
    let doc = DeTable::parse(src)?;
    let span = doc.span();
    Ok(Node { val: Val::Table(table(doc.into_inner())), span })
}

fn table(t: DeTable<'_>) -> Vec<Entry> {
    let mut v: Vec<Entry> = t
        .into_iter()
        .map(|(k, x)| {
            let key_span = k.span();
            Entry { key: k.into_inner().into_owned(), key_span, node: node(x) }
        })
        .collect();
    v.sort_by_key(|e| e.key_span.start);
    v
}

fn node(x: toml::Spanned<DeValue<'_>>) -> Node {
    let span = x.span();
    let val = match x.into_inner() {
        DeValue::String(s) => Val::Str(s.into_owned()),
        DeValue::Integer(i) => Val::Int(i128::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok()),
        DeValue::Float(f) => Val::Float(float(f.as_str())),
        DeValue::Boolean(b) => Val::Bool(b),
        DeValue::Datetime(_) => Val::Datetime,
        DeValue::Array(a) => Val::Array(a.iter().cloned().map(node).collect()),
        DeValue::Table(t) => Val::Table(table(t)),
    };
    Node { val, span }
}

fn float(s: &str) -> f64 {
    let s = s.replace('_', "");
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, &s[..]),
    };
    let x = match body {
        "inf" => f64::INFINITY,
        "nan" => f64::NAN,
        b => b.parse().unwrap_or(f64::NAN),
    };
    if neg { -x } else { x }
}
