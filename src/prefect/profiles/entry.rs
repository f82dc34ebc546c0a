//! One profile table of the file as read: its name and its `KEY = value` lines, read at once
//! (toml_edit) or when first asked (the fast reader).

/// What the fast reader keeps to read a table later: the file, the table's byte range, its
/// first line, and the function that reads it.
type Lazy = (
    std::sync::Arc<str>,
    std::ops::Range<usize>,
    usize,
    fn(&str, usize) -> Vec<Entry>,
);

/// One `KEY = value` line of a profile table, as found.
#[derive(Debug, Clone)]
pub struct Entry {
    pub key: String,
    pub line: usize,
    /// The value as Prefect would stringify it, or why it cannot be used.
    pub value: std::result::Result<String, String>,
    /// The value was a TOML string (Prefect hands it over as a string, not as JSON).
    pub string: bool,
}

#[derive(Debug, Clone)]
pub struct FileProfile {
    pub name: String,
    entries: std::cell::OnceCell<Vec<Entry>>,
    /// From the fast reader: the file, the byte range and first line of this table, and the
    /// reader's own function, which reads it into `entries` when first asked (fast.rs).
    /// The function is handed in so that this model does not import the reader back.
    lines: Option<Lazy>,
}

impl FileProfile {
    pub fn new(name: String, entries: Vec<Entry>) -> FileProfile {
        FileProfile {
            name,
            entries: std::cell::OnceCell::from(entries),
            lines: None,
        }
    }

    pub fn lazy(
        name: String,
        text: std::sync::Arc<str>,
        range: std::ops::Range<usize>,
        first_line: usize,
        read: fn(&str, usize) -> Vec<Entry>,
    ) -> FileProfile {
        FileProfile {
            name,
            entries: std::cell::OnceCell::new(),
            lines: Some((text, range, first_line, read)),
        }
    }

    /// The table's `KEY = value` lines, in file order.
    pub fn entries(&self) -> &[Entry] {
        self.entries.get_or_init(|| match &self.lines {
            Some((text, range, first_line, read)) => read(&text[range.clone()], *first_line),
            None => Vec::new(),
        })
    }
}
