//! npy and npz files: headers, dtypes and data through `npyz`, the npz container through `zip`.

#[cfg(feature = "official")]
use std::fs::File;
#[cfg(feature = "official")]
use std::io::{BufWriter, Cursor, Read, Write};
use std::path::Path;

#[cfg(feature = "official")]
use npyz::WriterBuilder;
use npyz::{DType, NpyFile, Order, TypeChar};

use crate::error::FormatError;

/// A row-major 2-D array read from an npy file.
pub(crate) struct Matrix<T> {
    /// Number of rows.
    pub rows: usize,
    /// Number of columns.
    pub cols: usize,
    /// Row-major values.
    pub data: Vec<T>,
}

/// Values of an embedding file, kept at their stored precision.
pub(crate) enum Floats {
    /// float16 bits, exactly as stored.
    F16(Vec<u16>),
    /// float32 values.
    F32(Vec<f32>),
}

#[cfg(feature = "official")]
/// Reads the whole file into memory.
pub(crate) fn read_bytes(path: &Path) -> Result<Vec<u8>, FormatError> {
    std::fs::read(path).map_err(|e| FormatError::io(path, e))
}

/// An npy file whose header says it holds a 2-D array of a plain dtype.
struct Opened<'a> {
    npy: NpyFile<&'a [u8]>,
    rows: usize,
    cols: usize,
    dtype: npyz::TypeStr,
    /// Stored in Fortran (column-major) order.
    fortran: bool,
}

impl Opened<'_> {
    /// Reads the data into a row-major matrix.
    fn collect<T: npyz::Deserialize + Copy>(self, path: &Path) -> Result<Matrix<T>, FormatError> {
        let (rows, cols) = (self.rows, self.cols);
        let data = self
            .npy
            .into_vec::<T>()
            .map_err(|e| FormatError::invalid(path, format!("cannot read the array data: {e}")))?;
        if data.len() != rows * cols {
            return Err(FormatError::invalid(
                path,
                format!(
                    "array holds {} values, its header says {rows} x {cols}",
                    data.len()
                ),
            ));
        }
        let data = if self.fortran {
            (0..rows * cols)
                .map(|cell| data[(cell % cols) * rows + cell / cols])
                .collect()
        } else {
            data
        };
        Ok(Matrix { rows, cols, data })
    }
}

/// Parses an npy header and checks the array is 2-D with a plain dtype.
fn open_2d<'a>(bytes: &'a [u8], path: &Path) -> Result<Opened<'a>, FormatError> {
    let npy = NpyFile::new(bytes)
        .map_err(|e| FormatError::invalid(path, format!("not a readable npy array: {e}")))?;
    let shape = npy.shape().to_vec();
    let [rows, cols] = shape[..] else {
        return Err(FormatError::invalid(
            path,
            format!("array has shape {shape:?}, expected 2 dimensions (rows x columns)"),
        ));
    };
    let dtype = match npy.dtype() {
        DType::Plain(t) => t,
        other => {
            return Err(FormatError::invalid(
                path,
                format!(
                    "array has dtype {}, expected a plain numeric dtype",
                    other.descr()
                ),
            ));
        }
    };
    let fortran = npy.order() == Order::Fortran;
    Ok(Opened {
        npy,
        rows: rows as usize,
        cols: cols as usize,
        dtype,
        fortran,
    })
}

fn unsupported(path: &Path, t: &npyz::TypeStr, expected: &str) -> FormatError {
    FormatError::invalid(path, format!("array has dtype {t}, expected {expected}"))
}

#[cfg(feature = "official")]
/// Reads a 2-D integer or boolean npy array (the quality matrix) as i8 values; values outside the
/// i8 range become 2 so that the 0/1 check reports them.
pub(crate) fn read_int_matrix(bytes: &[u8], path: &Path) -> Result<Matrix<i8>, FormatError> {
    let a = open_2d(bytes, path)?;
    let narrow = |v: i64| i8::try_from(v).unwrap_or(2);
    Ok(match (a.dtype.type_char(), a.dtype.size_field()) {
        (TypeChar::Int, 1) => a.collect::<i8>(path)?,
        (TypeChar::Bool, 1) => map(a.collect::<bool>(path)?, i8::from),
        (TypeChar::Uint, 1) => map(a.collect::<u8>(path)?, |v| narrow(v.into())),
        (TypeChar::Int, 2) => map(a.collect::<i16>(path)?, |v| narrow(v.into())),
        (TypeChar::Int, 4) => map(a.collect::<i32>(path)?, |v| narrow(v.into())),
        (TypeChar::Int, 8) => map(a.collect::<i64>(path)?, narrow),
        _ => {
            return Err(unsupported(
                path,
                &a.dtype,
                "int8 (or another integer or bool dtype)",
            ));
        }
    })
}

#[cfg(feature = "official")]
/// Reads a 2-D float npy array (the cost matrix) as f32; float64 values are rounded to f32.
pub(crate) fn read_f32_matrix(bytes: &[u8], path: &Path) -> Result<Matrix<f32>, FormatError> {
    let a = open_2d(bytes, path)?;
    match (a.dtype.type_char(), a.dtype.size_field()) {
        (TypeChar::Float, 4) => a.collect::<f32>(path),
        (TypeChar::Float, 8) => Ok(map(a.collect::<f64>(path)?, |v| v as f32)),
        _ => Err(unsupported(path, &a.dtype, "float32 (or float64)")),
    }
}

/// Reads a 2-D float16 or float32 npy array keeping float16 bits exactly; returns
/// (rows, columns, values).
pub(crate) fn read_floats(
    bytes: &[u8],
    path: &Path,
) -> Result<(usize, usize, Floats), FormatError> {
    let a = open_2d(bytes, path)?;
    let (rows, cols) = (a.rows, a.cols);
    let data = match (a.dtype.type_char(), a.dtype.size_field()) {
        (TypeChar::Float, 2) => {
            Floats::F16(map(a.collect::<half::f16>(path)?, half::f16::to_bits).data)
        }
        (TypeChar::Float, 4) => Floats::F32(a.collect::<f32>(path)?.data),
        _ => return Err(unsupported(path, &a.dtype, "float16 or float32")),
    };
    Ok((rows, cols, data))
}

fn map<T, U>(m: Matrix<T>, f: impl FnMut(T) -> U) -> Matrix<U> {
    Matrix {
        rows: m.rows,
        cols: m.cols,
        data: m.data.into_iter().map(f).collect(),
    }
}

#[cfg(feature = "official")]
/// Extracts the array stored under `key` (entry `key.npy`) from an npz archive.
pub(crate) fn npz_entry(bytes: &[u8], key: &str, path: &Path) -> Result<Vec<u8>, FormatError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        FormatError::invalid(path, format!("not a readable npz (zip) archive: {e}"))
    })?;
    let entry_name = format!("{key}.npy");
    let keys: Vec<String> = archive
        .file_names()
        .map(|n| n.trim_end_matches(".npy").to_owned())
        .collect();
    let mut entry = match archive.by_name(&entry_name) {
        Ok(entry) => entry,
        Err(zip::result::ZipError::FileNotFound) => {
            return Err(FormatError::invalid(
                path,
                format!("no array under key `{key}`; keys present: {keys:?}"),
            ));
        }
        Err(e) => {
            return Err(FormatError::invalid(
                path,
                format!("cannot open entry {entry_name}: {e}"),
            ));
        }
    };
    let mut out = Vec::new();
    entry
        .read_to_end(&mut out)
        .map_err(|e| FormatError::invalid(path, format!("cannot read entry {entry_name}: {e}")))?;
    Ok(out)
}

#[cfg(feature = "official")]
/// Serializes a row-major 2-D array as npy bytes with the dtype npyz derives from `T`.
fn npy_bytes<T: npyz::AutoSerialize + Copy>(
    rows: usize,
    cols: usize,
    data: &[T],
) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut writer = npyz::WriteOptions::new()
        .default_dtype()
        .shape(&[rows as u64, cols as u64])
        .writer(&mut out)
        .begin_nd()?;
    writer.extend(data.iter().copied())?;
    writer.finish()?;
    Ok(out)
}

#[cfg(feature = "official")]
/// Writes a row-major 2-D array to an npy file.
pub(crate) fn write_npy<T: npyz::AutoSerialize + Copy>(
    path: &Path,
    rows: usize,
    cols: usize,
    data: &[T],
) -> Result<(), FormatError> {
    let bytes = npy_bytes(rows, cols, data).map_err(|e| FormatError::io(path, e))?;
    std::fs::write(path, bytes).map_err(|e| FormatError::io(path, e))
}

#[cfg(feature = "official")]
/// Writes an npz archive holding one array under `key`, uncompressed as numpy's `savez` does.
pub(crate) fn write_npz<T: npyz::AutoSerialize + Copy>(
    path: &Path,
    key: &str,
    rows: usize,
    cols: usize,
    data: &[T],
) -> Result<(), FormatError> {
    let io = |e: std::io::Error| FormatError::io(path, e);
    let zip_err = |e: zip::result::ZipError| FormatError::io(path, std::io::Error::other(e));
    let bytes = npy_bytes(rows, cols, data).map_err(io)?;
    let file = File::create(path).map_err(io)?;
    let mut zip = zip::ZipWriter::new(BufWriter::new(file));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file(format!("{key}.npy"), options)
        .map_err(zip_err)?;
    zip.write_all(&bytes).map_err(io)?;
    zip.finish().map_err(zip_err)?.flush().map_err(io)
}
