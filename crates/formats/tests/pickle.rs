//! The id-list pickles (model_index.pkl, sample_index.pkl, sample_ids.pkl): what CPython writes is
//! read back under every binary protocol, what vlrb writes reads back, and anything that is not a
//! list of strings (including arbitrary bytes) is a typed error, never a panic.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

use proptest::prelude::*;
use vlrb_formats::pickle::{PickleError, read_strings, to_bytes};

/// `pickle.dumps(["GPT4o", "Janus-Pro-1B", "é∑", "GPT4o"], protocol=p)` under CPython 3.11, for
/// p = 1..=5 (the second "GPT4o" is the same object: a memo get).
const CPYTHON: [&[u8]; 5] = [
    b"]q\x00(X\x05\x00\x00\x00GPT4oq\x01X\x0c\x00\x00\x00Janus-Pro-1Bq\x02X\x05\x00\x00\x00\xc3\xa9\xe2\x88\x91q\x03h\x01e.",
    b"\x80\x02]q\x00(X\x05\x00\x00\x00GPT4oq\x01X\x0c\x00\x00\x00Janus-Pro-1Bq\x02X\x05\x00\x00\x00\xc3\xa9\xe2\x88\x91q\x03h\x01e.",
    b"\x80\x03]q\x00(X\x05\x00\x00\x00GPT4oq\x01X\x0c\x00\x00\x00Janus-Pro-1Bq\x02X\x05\x00\x00\x00\xc3\xa9\xe2\x88\x91q\x03h\x01e.",
    b"\x80\x04\x95&\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x05GPT4o\x94\x8c\x0cJanus-Pro-1B\x94\x8c\x05\xc3\xa9\xe2\x88\x91\x94h\x01e.",
    b"\x80\x05\x95&\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x05GPT4o\x94\x8c\x0cJanus-Pro-1B\x94\x8c\x05\xc3\xa9\xe2\x88\x91\x94h\x01e.",
];

fn found(bytes: &[u8]) -> String {
    match read_strings(bytes) {
        Err(PickleError::NotStringList { found, .. }) => found,
        other => panic!("expected NotStringList, got {other:?}"),
    }
}

#[test]
fn cpython_pickles_of_every_binary_protocol_read() {
    for (p, bytes) in CPYTHON.iter().enumerate() {
        assert_eq!(
            read_strings(bytes).unwrap(),
            ["GPT4o", "Janus-Pro-1B", "é∑", "GPT4o"],
            "protocol {}",
            p + 1
        );
    }
    assert_eq!(
        read_strings(b"\x80\x04]\x94.").unwrap(),
        Vec::<String>::new()
    );
}

#[test]
fn anything_but_a_list_of_strings_is_named() {
    // pickle.dumps(x, protocol=4) for a dict, a tuple, nested lists, an int and bytes in a list.
    let dict = b"\x80\x04\x95\x0c\x00\x00\x00\x00\x00\x00\x00}\x94\x8c\x01a\x94\x8c\x01b\x94s.";
    assert_eq!(found(dict), "a dict");
    let tuple = b"\x80\x04\x95\x0b\x00\x00\x00\x00\x00\x00\x00\x8c\x01a\x94\x8c\x01b\x94\x86\x94.";
    assert_eq!(found(tuple), "a tuple");
    let nested =
        b"\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x01a\x94]\x94\x8c\x01b\x94ae.";
    assert!(found(nested).contains("a list"), "{}", found(nested));
    let int = b"\x80\x04\x95\x0b\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x01a\x94K\x03e.";
    assert_eq!(found(int), "an int");
    let bytes = b"\x80\x04\x95\x0d\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x01a\x94C\x01x\x94e.";
    assert_eq!(found(bytes), "bytes");
    let text_mode = b"(lp0\nVGPT4o\np1\na.";
    assert!(found(text_mode).contains("protocol 0"));
    assert!(found(b"\x80\x02cnumpy.core.multiarray\n_reconstruct\n").contains("class"));
    assert_eq!(found(b"\x80\x04\x8c\x01a."), "a string, not a list");
    assert!(matches!(
        read_strings(&CPYTHON[3][..20]),
        Err(PickleError::Malformed { .. })
    ));
    assert!(matches!(
        read_strings(b""),
        Err(PickleError::Malformed { offset: 0, .. })
    ));
    let err = read_strings(b"\x80\x04]\x8d\xff\xff\xff\xff\xff\xff\xff\xffa.").unwrap_err();
    assert!(err.to_string().contains("byte 3"), "{err}");
}

#[test]
fn hostile_pickles_fail_fast() {
    // 200,000 nested lists: a general unpickler builds them and overflows the stack dropping them.
    let depth = 200_000;
    let mut deep = b"\x80\x04".to_vec();
    deep.extend(std::iter::repeat_n(b']', depth));
    deep.extend(std::iter::repeat_n(b'a', depth - 1));
    deep.push(b'.');
    assert!(found(&deep).contains("a list"));
    // DUP + APPEND doubles a general unpickler's object each step (2^64 nodes).
    let mut doubling = b"\x80\x04]".to_vec();
    for _ in 0..64 {
        doubling.extend_from_slice(b"2a");
    }
    doubling.push(b'.');
    assert!(read_strings(&doubling).is_err());
    // One 64 KiB string repeated by 2-byte memo gets (6.5 GB as a list): bounded expansion.
    let mut bomb = b"\x80\x04]\x94(\x8d".to_vec();
    bomb.extend_from_slice(&(1u64 << 16).to_le_bytes());
    bomb.extend(std::iter::repeat_n(b'x', 1 << 16));
    bomb.push(0x94);
    for _ in 0..100_000 {
        bomb.extend_from_slice(b"h\x01");
    }
    bomb.extend_from_slice(b"e.");
    assert!(matches!(
        read_strings(&bomb),
        Err(PickleError::Malformed { .. })
    ));
}

proptest! {
    #[test]
    fn written_lists_read_back(items in prop::collection::vec(".{0,40}", 0..50)) {
        let bytes = to_bytes(&items).unwrap();
        prop_assert_eq!(read_strings(&bytes).unwrap(), items);
    }

    #[test]
    fn arbitrary_bytes_are_an_error_or_a_list(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = read_strings(&bytes);
    }

    #[test]
    fn corrupted_pickles_are_an_error_or_a_list(
        which in 0..CPYTHON.len(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = CPYTHON[which].to_vec();
        for (at, value) in edits {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        bytes.truncate(cut.index(bytes.len() + 1));
        let _ = read_strings(&bytes);
    }

    #[test]
    fn opcode_soup_after_a_valid_header_is_an_error_or_a_list(
        ops in prop::collection::vec(
            prop::sample::select(b"]()lae\x8cXqrh\x94j.2}K".to_vec()), 0..64),
    ) {
        let mut bytes = b"\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x00".to_vec();
        for op in ops {
            bytes.push(op);
            if matches!(op, 0x8c | b'q' | b'h' | b'K') {
                bytes.push(1);
            }
        }
        let _ = read_strings(&bytes);
    }
}
