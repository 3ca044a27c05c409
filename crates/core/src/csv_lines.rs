//! CSV tables read whole, each record with the line an editor shows for it: the one shared reader of
//! every CSV the project takes in (records.csv, samples.csv, models.csv, prices files, token
//! statistics and uploaded predictions).
//!
//! The csv crate's own line count is one short for CRLF files (it places a record that follows a
//! `\r\n` on the `\n`), so lines are counted here from each record's byte offset: every `\n`,
//! `\r\n` and lone `\r` before the record's first byte is one line break, including those inside
//! quoted fields of earlier records. Blank lines are skipped and keep their count.

/// A CSV problem at a line of the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct CsvError {
    /// 1-based line (as an editor shows it) of the record at fault.
    pub line: usize,
    /// What is wrong and what was expected.
    pub message: String,
}

/// One data record and the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// 1-based line (as an editor shows it) on which the record starts.
    pub line: usize,
    fields: csv::StringRecord,
}

impl Record {
    /// The field in `column`, when the record has it.
    pub fn get(&self, column: usize) -> Option<&str> {
        self.fields.get(column)
    }

    /// The field in `column`, empty when the record is short.
    pub fn field(&self, column: usize) -> &str {
        self.fields.get(column).unwrap_or("")
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// True when the record has no fields.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// True when every field is empty (a line of separators only).
    pub fn is_blank(&self) -> bool {
        self.fields.iter().all(str::is_empty)
    }
}

/// A CSV table: the header's fields (trimmed) and the data records in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Column names from the first line, surrounding whitespace removed.
    pub headers: Vec<String>,
    /// Data records in file order.
    pub records: Vec<Record>,
}

impl Table {
    /// Index of the column named `name`, when present.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }
}

/// How a table is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    /// Field separator (`b','` or `b'\t'`).
    pub delimiter: u8,
    /// Whether records may have more or fewer fields than the header.
    pub flexible: bool,
}

impl Dialect {
    /// Comma-separated, every record as wide as the header.
    pub const CSV: Dialect = Dialect {
        delimiter: b',',
        flexible: false,
    };
}

/// Reads a whole table from `bytes` (RFC 4180 quoting, header on the first line, a leading UTF-8
/// byte-order mark ignored). A record of the wrong width (unless `flexible`) or with invalid UTF-8
/// is an error naming its line.
pub fn read(bytes: &[u8], dialect: Dialect) -> Result<Table, CsvError> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(dialect.delimiter)
        .flexible(dialect.flexible)
        .has_headers(false)
        .from_reader(bytes);
    let mut lines = LineCounter::new(bytes);
    let mut headers: Option<Vec<String>> = None;
    let mut records = Vec::new();
    let mut fields = csv::StringRecord::new();
    loop {
        let before = reader.position().byte();
        match reader.read_record(&mut fields) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let at = e.position().map_or(before, csv::Position::byte);
                return Err(CsvError {
                    line: lines.line_at(at),
                    message: describe(&e, headers.as_ref().map_or(0, Vec::len)),
                });
            }
        }
        let line = lines.line_at(fields.position().map_or(before, csv::Position::byte));
        match headers {
            None => {
                let first = fields.iter().next().unwrap_or("");
                let mut names: Vec<String> = fields.iter().map(|h| h.trim().to_owned()).collect();
                if let (Some(name), Some(stripped)) =
                    (names.first_mut(), first.trim().strip_prefix('\u{feff}'))
                {
                    *name = stripped.trim().to_owned();
                }
                headers = Some(names);
            }
            Some(_) => records.push(Record {
                line,
                fields: std::mem::take(&mut fields),
            }),
        }
    }
    Ok(Table {
        headers: headers.unwrap_or_default(),
        records,
    })
}

/// The csv crate's error in words, without its own (CRLF-miscounted) position.
fn describe(e: &csv::Error, header_width: usize) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths { len, .. } => {
            format!("{len} fields, expected {header_width} (one per column of the header)")
        }
        csv::ErrorKind::Utf8 { err, .. } => format!(
            "field {} is not valid UTF-8 (invalid byte at offset {} of the field)",
            err.field() + 1,
            err.valid_up_to()
        ),
        _ => e.to_string(),
    }
}

/// 1-based line numbers of byte offsets visited in increasing order.
struct LineCounter<'a> {
    text: &'a [u8],
    offset: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a [u8]) -> LineCounter<'a> {
        LineCounter {
            text,
            offset: 0,
            line: 1,
        }
    }

    /// The line of the first byte at or after `byte` that is not a line break (a record the csv
    /// crate places on the `\n` of a `\r\n`, or before blank lines, starts there).
    fn line_at(&mut self, byte: u64) -> usize {
        let len = self.text.len();
        let mut start = usize::try_from(byte).map_or(len, |b| b.min(len));
        while start < len && matches!(self.text[start], b'\r' | b'\n') {
            start += 1;
        }
        if start > self.offset {
            let span = &self.text[self.offset..start];
            let breaks = span
                .iter()
                .enumerate()
                .filter(|&(i, &b)| {
                    b == b'\n' || (b == b'\r' && self.text.get(self.offset + i + 1) != Some(&b'\n'))
                })
                .count();
            self.line += breaks;
            self.offset = start;
        }
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<usize> {
        read(text.as_bytes(), Dialect::CSV)
            .unwrap()
            .records
            .iter()
            .map(|r| r.line)
            .collect()
    }

    fn error_line(text: &str) -> usize {
        read(text.as_bytes(), Dialect::CSV).unwrap_err().line
    }

    #[test]
    fn lines_are_those_an_editor_shows() {
        assert_eq!(lines("a,b\n1,2\n3,4\n"), [2, 3]);
        assert_eq!(lines("a,b\r\n1,2\r\n3,4\r\n"), [2, 3]);
        assert_eq!(lines("a,b\r\n\r\n1,2\r\n\r\n\r\n3,4"), [3, 6]);
        assert_eq!(lines("a,b\r1,2\r3,4"), [2, 3], "old Mac line ends");
        assert_eq!(
            lines("a,b\r\n\"x\r\ny\",2\r\n3,\"p\nq\nr\"\n5,6\n"),
            [2, 4, 7],
            "quoted newlines count"
        );
    }

    #[test]
    fn errors_name_the_editor_line() {
        assert_eq!(error_line("a,b\n1,2\n3\n"), 3);
        assert_eq!(error_line("a,b\r\n1,2\r\n3\r\n"), 3);
        assert_eq!(error_line("a,b\r\n\"x\r\ny\",2\r\n3,4,5\r\n"), 4);
        let err = read(b"a,b\r\n1,2\r\n\xff,3\r\n", Dialect::CSV).unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("field 1 is not valid UTF-8"), "{err}");
        let err = read(b"a,b\r\n1,2,3\r\n", Dialect::CSV).unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 2: 3 fields, expected 2 (one per column of the header)"
        );
    }

    #[test]
    fn headers_are_trimmed_and_lose_a_byte_order_mark() {
        let table = read("\u{feff}id , model\n1,x\n".as_bytes(), Dialect::CSV).unwrap();
        assert_eq!(table.headers, ["id", "model"]);
        assert_eq!(table.column("model"), Some(1));
        assert_eq!(table.records[0].field(1), "x");
        assert_eq!(table.records[0].field(5), "");
    }
}
