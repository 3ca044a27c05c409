//! Python pickles of id lists: the toolkit's `data/registry/model_index.pkl`,
//! `data/registry/sample_index.pkl` and `data/matrices/sample_ids.pkl` (protocol.md §1.5, §1.7).
//!
//! Writing goes through serde-pickle (protocol 3, which every CPython 3 reads). Reading accepts only
//! what a list of strings pickles to under protocols 1-5 (`EMPTY_LIST`/`MARK`+`LIST`, `APPEND(S)`,
//! the `*BINUNICODE*` strings, memo puts and gets of those strings, `PROTO`, `FRAME`, `STOP`) and
//! answers anything else with a [`PickleError`]. A general unpickler (serde-pickle's included)
//! builds whatever object graph the opcodes describe: `DUP` and memo references can grow it
//! exponentially and deep nesting overflows the stack, so a hostile file could exhaust memory or
//! abort; this reader keeps no nesting and bounds what it expands.

use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;

use crate::error::FormatError;

/// Why bytes are not a pickled list of strings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PickleError {
    /// The bytes are not a well-formed pickle (truncated, an unknown opcode, a bad length).
    #[error("not a well-formed pickle at byte {offset}: {message}")]
    Malformed {
        /// Offset of the offending opcode or argument.
        offset: usize,
        /// What is wrong.
        message: String,
    },
    /// A well-formed pickle of something other than a list of strings.
    #[error("expected a pickled list of strings; found {found} (byte {offset})")]
    NotStringList {
        /// Offset of the opcode that builds it.
        offset: usize,
        /// What was found instead.
        found: String,
    },
}

/// Serialises `items` as a pickled Python list of `str` (protocol 3).
pub fn to_bytes(items: &[String]) -> Result<Vec<u8>, serde_pickle::Error> {
    serde_pickle::to_vec(&items, serde_pickle::SerOptions::new())
}

/// Writes `items` to `path` as a pickled Python list of `str`.
pub(crate) fn write(path: &Path, items: &[String]) -> Result<(), FormatError> {
    let bytes = to_bytes(items).map_err(|e| FormatError::io(path, std::io::Error::other(e)))?;
    std::fs::write(path, bytes).map_err(|e| FormatError::io(path, e))
}

/// Reads the pickled list of strings in `path`; a file of anything else is an error naming it.
pub(crate) fn read(path: &Path) -> Result<Vec<String>, FormatError> {
    let bytes = std::fs::read(path).map_err(|e| FormatError::io(path, e))?;
    read_strings(&bytes).map_err(|e| FormatError::invalid(path, e.to_string()))
}

/// The most string bytes a pickle may expand to, beyond its own size times [`EXPANSION`]: memo
/// gets repeat a string for two bytes each.
const EXPANSION_SLACK: usize = 16 << 20;
/// See [`EXPANSION_SLACK`].
const EXPANSION: usize = 16;

/// One entry of the unpickling stack.
#[derive(Clone)]
enum Item {
    /// The list being built (there is at most one).
    List(Vec<String>),
    /// A memo reference to that list.
    ListRef,
    /// A string.
    Str(Rc<str>),
    /// A `MARK`.
    Mark,
}

/// Decodes a pickled Python list of `str` (protocols 1-5).
pub fn read_strings(bytes: &[u8]) -> Result<Vec<String>, PickleError> {
    Reader {
        bytes,
        pos: 0,
        stack: Vec::new(),
        memo: HashMap::new(),
        budget: EXPANSION_SLACK.saturating_add(bytes.len().saturating_mul(EXPANSION)),
    }
    .run()
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    stack: Vec<Item>,
    memo: HashMap<u64, Item>,
    /// String bytes the list may still take.
    budget: usize,
}

impl<'a> Reader<'a> {
    fn run(mut self) -> Result<Vec<String>, PickleError> {
        loop {
            let at = self.pos;
            let op = self.take(1, at)?[0];
            match op {
                0x80 => {
                    let version = self.take(1, at)?[0];
                    if version > 5 {
                        return Err(malformed(at, format!("unknown protocol {version}")));
                    }
                }
                0x95 => {
                    self.take(8, at)?;
                }
                b']' => self.stack.push(Item::List(Vec::new())),
                b'(' => self.stack.push(Item::Mark),
                b'l' => {
                    let items = self.pop_to_mark(at)?;
                    let mut list = Vec::with_capacity(items.len());
                    self.extend(&mut list, items, at)?;
                    self.stack.push(Item::List(list));
                }
                b'a' => {
                    let item = self.pop(at)?;
                    self.append(vec![item], at)?;
                }
                b'e' => {
                    let items = self.pop_to_mark(at)?;
                    self.append(items, at)?;
                }
                0x8c => {
                    let len = usize::from(self.take(1, at)?[0]);
                    self.string(len, at)?;
                }
                b'X' => {
                    let len = self.take_u32(at)?;
                    self.string(len, at)?;
                }
                0x8d => {
                    let raw = self.take(8, at)?;
                    let len = u64::from_le_bytes(raw.try_into().unwrap_or_default());
                    self.string(usize::try_from(len).unwrap_or(usize::MAX), at)?;
                }
                b'q' => {
                    let id = u64::from(self.take(1, at)?[0]);
                    self.memoize(id, at)?;
                }
                b'r' => {
                    let id = self.take_u32(at)? as u64;
                    self.memoize(id, at)?;
                }
                0x94 => {
                    let id = self.memo.len() as u64;
                    self.memoize(id, at)?;
                }
                b'h' => {
                    let id = u64::from(self.take(1, at)?[0]);
                    self.get(id, at)?;
                }
                b'j' => {
                    let id = self.take_u32(at)? as u64;
                    self.get(id, at)?;
                }
                b'.' => {
                    return match self.pop(at)? {
                        Item::List(list) => Ok(list),
                        Item::Str(_) => Err(not_list(at, "a string, not a list")),
                        Item::ListRef | Item::Mark => Err(malformed(at, "STOP without a value")),
                    };
                }
                other => return Err(other_opcode(other, at)),
            }
        }
    }

    /// The next `n` bytes.
    fn take(&mut self, n: usize, at: usize) -> Result<&'a [u8], PickleError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&end| end <= self.bytes.len())
            .ok_or_else(|| {
                malformed(
                    at,
                    format!(
                        "needs {n} more bytes, {} left",
                        self.bytes.len().saturating_sub(self.pos)
                    ),
                )
            })?;
        let bytes: &'a [u8] = self.bytes;
        self.pos = end;
        Ok(&bytes[end - n..end])
    }

    fn take_u32(&mut self, at: usize) -> Result<usize, PickleError> {
        let raw = self.take(4, at)?;
        let value = u32::from_le_bytes(raw.try_into().unwrap_or_default());
        Ok(value as usize)
    }

    fn string(&mut self, len: usize, at: usize) -> Result<(), PickleError> {
        let raw = self.take(len, at)?;
        let text = std::str::from_utf8(raw)
            .map_err(|e| malformed(at, format!("string is not valid UTF-8: {e}")))?;
        self.stack.push(Item::Str(Rc::from(text)));
        Ok(())
    }

    fn pop(&mut self, at: usize) -> Result<Item, PickleError> {
        self.stack
            .pop()
            .ok_or_else(|| malformed(at, "pops an empty stack"))
    }

    /// The items above the topmost mark (the mark is removed).
    fn pop_to_mark(&mut self, at: usize) -> Result<Vec<Item>, PickleError> {
        let mark = self
            .stack
            .iter()
            .rposition(|item| matches!(item, Item::Mark))
            .ok_or_else(|| malformed(at, "no MARK before it"))?;
        let items = self.stack.split_off(mark + 1);
        self.stack.pop();
        Ok(items)
    }

    /// Appends `items` to the list below them.
    fn append(&mut self, items: Vec<Item>, at: usize) -> Result<(), PickleError> {
        let mut list = match self.stack.pop() {
            Some(Item::List(list)) => list,
            Some(Item::Str(_)) => return Err(not_list(at, "an append to a string")),
            _ => return Err(malformed(at, "append without a list below")),
        };
        let result = self.extend(&mut list, items, at);
        self.stack.push(Item::List(list));
        result
    }

    /// Moves strings into `list`, within the expansion budget.
    fn extend(
        &mut self,
        list: &mut Vec<String>,
        items: Vec<Item>,
        at: usize,
    ) -> Result<(), PickleError> {
        for item in items {
            let Item::Str(text) = item else {
                let index = list.len();
                return Err(not_list(
                    at,
                    format!("a list whose item {index} is a list, not a string"),
                ));
            };
            self.budget = self.budget.checked_sub(text.len()).ok_or_else(|| {
                malformed(
                    at,
                    "its strings expand to far more bytes than the file holds",
                )
            })?;
            list.push(text.to_string());
        }
        Ok(())
    }

    fn memoize(&mut self, id: u64, at: usize) -> Result<(), PickleError> {
        let entry = match self.stack.last() {
            Some(Item::List(_) | Item::ListRef) => Item::ListRef,
            Some(Item::Str(text)) => Item::Str(Rc::clone(text)),
            Some(Item::Mark) | None => return Err(malformed(at, "memo put of no value")),
        };
        self.memo.insert(id, entry);
        Ok(())
    }

    fn get(&mut self, id: u64, at: usize) -> Result<(), PickleError> {
        let entry = self
            .memo
            .get(&id)
            .cloned()
            .ok_or_else(|| malformed(at, format!("memo get of unknown id {id}")))?;
        self.stack.push(entry);
        Ok(())
    }
}

fn malformed(offset: usize, message: impl Into<String>) -> PickleError {
    PickleError::Malformed {
        offset,
        message: message.into(),
    }
}

fn not_list(offset: usize, found: impl Into<String>) -> PickleError {
    PickleError::NotStringList {
        offset,
        found: found.into(),
    }
}

/// An opcode this reader does not take: what it builds when it is a pickle opcode, else malformed.
fn other_opcode(op: u8, at: usize) -> PickleError {
    let found = match op {
        b'}' => "a dict",
        b')' | b't' | 0x85..=0x87 => "a tuple",
        0x8f | 0x91 => "a set",
        b'I' | b'J' | b'K' | b'M' | b'L' | 0x8a | 0x8b => "an int",
        b'F' | b'G' => "a float",
        b'N' => "None",
        0x88 | 0x89 => "a bool",
        b'B' | b'C' | 0x8e | 0x96 | 0x97 => "bytes",
        b'S' | b'T' | b'U' => "a Python 2 byte string",
        b'V' | b'p' | b'g' => "a text-mode (protocol 0) pickle; expected protocol 1-5",
        b'0' | b'1' | b'2' => "stack manipulation that a plain list of strings never uses",
        b'c' | 0x93 | b'R' | b'b' | b'o' | b'i' | 0x81 | 0x92 | b'P' | b'Q' => {
            "an object of a class (e.g. a numpy array)"
        }
        _ => return malformed(at, format!("unknown opcode 0x{op:02x}")),
    };
    not_list(at, found)
}
