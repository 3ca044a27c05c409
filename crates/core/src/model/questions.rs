//! Per-sample question text, stored deflated and inflated only when a view asks for it (the board
//! never needs it, so decoding a bundle stays as fast as without it).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The question text of every sample, in row order, as `deflate(postcard(Vec<String>))`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Questions {
    /// Number of texts (one per sample; an empty text where a sample has none).
    count: u64,
    /// The deflated, serialized texts.
    deflated: Vec<u8>,
}

/// Largest inflated size accepted (guards against decompression bombs).
const MAX_INFLATED: u64 = 1 << 30;

impl Questions {
    /// Compresses the texts of every sample, in row order.
    pub fn compress(texts: &[String]) -> Result<Questions> {
        let raw = postcard::to_allocvec(texts)
            .map_err(|e| Error::Value(format!("cannot serialize question text: {e}")))?;
        let deflated = crate::bundle::deflate(&raw)
            .map_err(|e| Error::Value(format!("cannot compress question text: {e}")))?;
        Ok(Questions {
            count: texts.len() as u64,
            deflated,
        })
    }

    /// Number of texts (one per sample).
    pub fn len(&self) -> usize {
        usize::try_from(self.count).unwrap_or(usize::MAX)
    }

    /// Whether there are no texts.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Compressed size in bytes.
    pub fn compressed_len(&self) -> usize {
        self.deflated.len()
    }

    /// Inflates the texts, in row order; corrupt data or a wrong count is an error.
    pub fn texts(&self) -> Result<Vec<String>> {
        let raw = crate::bundle::inflate(&self.deflated, MAX_INFLATED)
            .map_err(|e| Error::Corrupt(format!("question text does not inflate: {e}")))?;
        if raw.len() as u64 > MAX_INFLATED {
            return Err(Error::Corrupt("question text inflates beyond 1 GiB".into()));
        }
        let texts: Vec<String> = postcard::from_bytes(&raw)
            .map_err(|e| Error::Corrupt(format!("question text does not deserialize: {e}")))?;
        if texts.len() as u64 != self.count {
            return Err(Error::Corrupt(format!(
                "question text holds {} texts, its header says {}",
                texts.len(),
                self.count
            )));
        }
        Ok(texts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_round_trip() {
        let texts = vec![
            "What is 2+2?\n<image1>".to_owned(),
            String::new(),
            "ü ∑".into(),
        ];
        let q = Questions::compress(&texts).unwrap();
        assert_eq!(q.len(), 3);
        assert_eq!(q.texts().unwrap(), texts);
    }

    #[test]
    fn corrupt_text_is_an_error() {
        let mut q = Questions::compress(&["a".to_owned()]).unwrap();
        q.count = 2;
        let err = q.texts().unwrap_err().to_string();
        assert!(err.contains("holds 1 texts, its header says 2"), "{err}");
        q.deflated = vec![0xff, 0x00];
        assert!(q.texts().is_err());
    }
}
