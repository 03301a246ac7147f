//! Diagnostics: errors and warnings with file, line, column and key, rendered like rustc.

use std::fmt;
use std::ops::Range;

use serde::Serialize;

/// How many errors a [`ScenarioError`] shows at most (the rest are counted).
pub const MAX_ERRORS: usize = 10;

/// Whether a diagnostic stops the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The scenario is refused.
    Error,
    /// The scenario runs, but something looks wrong.
    Warning,
}

impl Severity {
    /// `"error"` or `"warning"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// The source line a diagnostic points into, with the caret range (in characters).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Snippet {
    /// The line's text (tabs shown as spaces, other control characters as `�`, no line terminator).
    pub text: String,
    /// 0-based character offset of the caret in `text`.
    pub caret: usize,
    /// Number of carets, at least 1.
    pub len: usize,
}

/// One error or warning about a scenario file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file as it was named (the `origin` given to [`parse`](super::parse) or the path given
    /// to [`load`](super::load)).
    pub origin: String,
    /// 1-based line; 0 when the problem concerns the file as a whole (missing, not readable).
    pub line: usize,
    /// 1-based column in characters; 0 together with `line`.
    pub column: usize,
    /// The dotted key path, e.g. `noise.execution` or `tournament.strategies[2].q`; empty when
    /// the problem is not tied to a key (broken TOML, file errors).
    pub key: String,
    /// What is wrong, e.g. `expected a probability in [0, 1], found 1.5`.
    pub message: String,
    /// What would have been accepted, when that can be said.
    pub expected: Option<String>,
    /// What was found, as written in the file where possible.
    pub found: Option<String>,
    /// The closest valid name or key, for "did you mean …?".
    pub suggestion: Option<String>,
    /// A full help line (includes the suggestion when there is one).
    pub help: Option<String>,
    /// Extra context, e.g. which sweep point produced the value.
    pub notes: Vec<String>,
    /// The source line with the caret, when the diagnostic points into the file.
    pub snippet: Option<Snippet>,
}

impl Diagnostic {
    /// A diagnostic about the file as a whole (no line, no key).
    pub fn file(origin: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            origin: origin.to_string(),
            line: 0,
            column: 0,
            key: String::new(),
            message: message.into(),
            expected: None,
            found: None,
            suggestion: None,
            help: None,
            notes: Vec::new(),
            snippet: None,
        }
    }

    /// Sets the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// `file:line:col` (or just `file`).
    pub fn location(&self) -> String {
        if self.line == 0 { self.origin.clone() } else { format!("{}:{}:{}", self.origin, self.line, self.column) }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: ", self.severity.as_str(), self.location())?;
        if !self.key.is_empty() {
            write!(f, "{}: ", printable(&self.key))?;
        }
        writeln!(f, "{}", printable(&self.message))?;
        let gutter = if self.line == 0 { 1 } else { self.line.to_string().len() };
        let pad = " ".repeat(gutter);
        if let Some(s) = &self.snippet {
            writeln!(f, "{pad} |")?;
            writeln!(f, "{} | {}", self.line, s.text)?;
            writeln!(f, "{pad} | {}{}", " ".repeat(s.caret), "^".repeat(s.len.max(1)))?;
        }
        for n in &self.notes {
            writeln!(f, "{pad} = note: {}", printable(n))?;
        }
        if let Some(h) = &self.help {
            writeln!(f, "{pad} = help: {}", printable(h))?;
        }
        Ok(())
    }
}

/// A scenario that cannot be used: the first error (exact position), then up to
/// [`MAX_ERRORS`]` − 1` more, in file order. Derefs to the first [`Diagnostic`], so
/// `err.line`, `err.key`, `err.expected` … read the first error.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{}", self.render())]
pub struct ScenarioError {
    /// The first error (boxed to keep `Result`s small).
    pub error: Box<Diagnostic>,
    /// Further errors, in file order.
    pub more: Vec<Diagnostic>,
    /// How many further errors were found but not kept.
    pub omitted: usize,
}

impl ScenarioError {
    /// Builds an error from diagnostics in any order; they are sorted by position (file-level
    /// problems first) and cut to [`MAX_ERRORS`]. Returns `None` for an empty list.
    pub fn from_diagnostics(mut all: Vec<Diagnostic>) -> Option<ScenarioError> {
        all.sort_by_key(|d| (d.line, d.column));
        all.dedup_by(|a, b| a.line == b.line && a.column == b.column && a.key == b.key && a.message == b.message);
        let omitted = all.len().saturating_sub(MAX_ERRORS);
        all.truncate(MAX_ERRORS);
        let mut it = all.into_iter();
        let error = it.next()?;
        Some(ScenarioError { error: Box::new(error), more: it.collect(), omitted })
    }

    /// Every kept error, first first.
    pub fn all(&self) -> impl Iterator<Item = &Diagnostic> {
        std::iter::once(&*self.error).chain(self.more.iter())
    }

    /// The full rustc-style text of every kept error.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (i, d) in self.all().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&d.to_string());
        }
        let n = 1 + self.more.len() + self.omitted;
        if self.omitted > 0 {
            out.push_str(&format!("\n… and {} more errors ({n} in all)\n", self.omitted));
        }
        while out.ends_with('\n') {
            out.pop();
        }
        out
    }
}

impl std::ops::Deref for ScenarioError {
    type Target = Diagnostic;
    fn deref(&self) -> &Diagnostic {
        &self.error
    }
}

impl From<Diagnostic> for ScenarioError {
    fn from(d: Diagnostic) -> ScenarioError {
        ScenarioError { error: Box::new(d), more: Vec::new(), omitted: 0 }
    }
}

/// Maps byte offsets of a source text to 1-based line and character column.
#[derive(Clone, Debug)]
pub(crate) struct Source<'s> {
    pub origin: &'s str,
    pub text: &'s str,
    starts: Vec<usize>,
}

impl<'s> Source<'s> {
    pub fn new(origin: &'s str, text: &'s str) -> Source<'s> {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Source { origin, text, starts }
    }

    /// (line, column), both 1-based; the column counts characters (a leading BOM is not counted).
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char(self.text, offset.min(self.text.len()));
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let mut col = self.text[start..offset].chars().count() + 1;
        if line == 1 && self.text.starts_with('\u{feff}') && offset > 0 {
            col -= 1;
        }
        (line, col)
    }

    fn line_text(&self, line: usize) -> &'s str {
        let start = self.starts[line - 1];
        let end = self.starts.get(line).map_or(self.text.len(), |&e| e - 1);
        let t = &self.text[start..end];
        let t = t.strip_suffix('\r').unwrap_or(t);
        if line == 1 { t.strip_prefix('\u{feff}').unwrap_or(t) } else { t }
    }

    /// A diagnostic pointing at `span`. An empty span at offset 0 (the document itself) gets
    /// line 1, column 1 and no snippet.
    pub fn diag(&self, severity: Severity, span: &Range<usize>, key: &str, message: String) -> Diagnostic {
        let mut d = Diagnostic::file(self.origin, message);
        d.severity = severity;
        d.key = key.to_string();
        let (line, column) = self.position(span.start);
        d.line = line;
        d.column = column;
        if !(span.start == 0 && span.end == 0) {
            let text = self.line_text(line);
            let caret = column - 1;
            let avail = text.chars().count().saturating_sub(caret);
            let end = floor_char(self.text, span.end.min(self.text.len()));
            let start = floor_char(self.text, span.start.min(end));
            let want = self.text[start..end].chars().take_while(|&c| c != '\n').count();
            d.snippet = Some(Snippet { text: shown(text), caret, len: want.min(avail.max(1)).max(1) });
        }
        d
    }
}

/// A source line as shown under a diagnostic: a tab becomes a space and any other control
/// character (NUL, ESC, …) becomes `�`, one character for one, so the caret stays aligned and
/// the terminal never receives control sequences from the file.
fn shown(line: &str) -> String {
    line.chars()
        .map(|c| {
            if c == '\t' {
                ' '
            } else if c.is_control() {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

/// Text that quotes the file (keys, names) with control characters other than line breaks
/// shown as `�`, so a message never sends escape sequences to the terminal.
fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(|c| c.is_control() && c != '\n') {
        s.chars().map(|c| if c.is_control() && c != '\n' { '\u{fffd}' } else { c }).collect::<String>().into()
    } else {
        s.into()
    }
}

fn floor_char(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}
