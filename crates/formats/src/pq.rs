//! Parquet tables through arrow-rs: the string and float-list columns the official layout uses.
//! Row numbers in messages are 0-based row indices (as pandas shows them).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::builder::{Float32Builder, ListBuilder};
use arrow_array::cast::AsArray;
use arrow_array::types::{Float32Type, Float64Type};
use arrow_array::{Array, ArrayRef, RecordBatch, StringArray};
use arrow_schema::DataType;
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::error::FormatError;

/// A whole parquet file read into memory as record batches.
pub(crate) struct Table {
    path: PathBuf,
    batches: Vec<RecordBatch>,
    columns: Vec<String>,
}

impl Table {
    /// Reads every row group of `path`.
    pub(crate) fn read(path: &Path) -> Result<Table, FormatError> {
        let file = File::open(path).map_err(|e| FormatError::io(path, e))?;
        let bad = |e: parquet::errors::ParquetError| {
            FormatError::invalid(path, format!("not a readable parquet file: {e}"))
        };
        let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(bad)?;
        let columns = builder
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        let batches = builder
            .build()
            .map_err(bad)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| FormatError::invalid(path, format!("cannot decode rows: {e}")))?;
        Ok(Table {
            path: path.to_owned(),
            batches,
            columns,
        })
    }

    /// Number of rows.
    pub(crate) fn num_rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    /// Whether the table has a column of this name.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.columns.iter().any(|c| c == name)
    }

    /// The chunks of one column with the global row index of each chunk's first row.
    fn chunks(&self, name: &str) -> Result<Vec<(usize, &ArrayRef)>, FormatError> {
        if !self.has(name) {
            return Err(FormatError::invalid(
                &self.path,
                format!("no column `{name}`; columns present: {:?}", self.columns),
            ));
        }
        let mut start = 0;
        let mut out = Vec::with_capacity(self.batches.len());
        for batch in &self.batches {
            let column = batch.column_by_name(name).ok_or_else(|| {
                FormatError::invalid(&self.path, format!("a row group lacks column `{name}`"))
            })?;
            out.push((start, column));
            start += batch.num_rows();
        }
        Ok(out)
    }

    /// A string column (utf8, large utf8, utf8 view or a dictionary of those); a null is an error.
    pub(crate) fn strings(&self, name: &str) -> Result<Vec<String>, FormatError> {
        let mut out = Vec::with_capacity(self.num_rows());
        for (start, column) in self.chunks(name)? {
            let values = string_values(column).ok_or_else(|| {
                FormatError::invalid(
                    &self.path,
                    format!(
                        "column `{name}` has type {}, expected strings",
                        column.data_type()
                    ),
                )
            })?;
            for (i, v) in values.into_iter().enumerate() {
                out.push(v.ok_or_else(|| {
                    FormatError::invalid(
                        &self.path,
                        format!("column `{name}` is null at row {}", start + i),
                    )
                })?);
            }
        }
        Ok(out)
    }

    /// A list-of-floats column (list, large list or fixed-size list of float32 or float64), one
    /// vector per row; float64 values are rounded to f32. A null list or element is an error.
    pub(crate) fn float_lists(&self, name: &str) -> Result<Vec<Vec<f32>>, FormatError> {
        let mut out = Vec::with_capacity(self.num_rows());
        for (start, column) in self.chunks(name)? {
            let mismatch = || {
                FormatError::invalid(
                    &self.path,
                    format!(
                        "column `{name}` has type {}, expected a list of floats",
                        column.data_type()
                    ),
                )
            };
            let rows: Vec<Option<ArrayRef>> = if let Some(l) = column.as_list_opt::<i32>() {
                l.iter().collect()
            } else if let Some(l) = column.as_list_opt::<i64>() {
                l.iter().collect()
            } else if let Some(l) = column.as_fixed_size_list_opt() {
                l.iter().collect()
            } else {
                return Err(mismatch());
            };
            for (i, row) in rows.into_iter().enumerate() {
                let null = || {
                    FormatError::invalid(
                        &self.path,
                        format!("column `{name}` is null at row {}", start + i),
                    )
                };
                let row = row.ok_or_else(null)?;
                if row.null_count() > 0 {
                    return Err(null());
                }
                let values = match row.data_type() {
                    DataType::Float32 => row.as_primitive::<Float32Type>().values().to_vec(),
                    DataType::Float64 => row
                        .as_primitive::<Float64Type>()
                        .values()
                        .iter()
                        .map(|&v| v as f32)
                        .collect(),
                    _ => return Err(mismatch()),
                };
                out.push(values);
            }
        }
        Ok(out)
    }
}

/// The values of a string-like array, `None` for nulls; `None` overall for a non-string array.
fn string_values(column: &ArrayRef) -> Option<Vec<Option<String>>> {
    let owned = |v: Option<&str>| v.map(str::to_owned);
    match column.data_type() {
        DataType::Utf8 => Some(column.as_string::<i32>().iter().map(owned).collect()),
        DataType::LargeUtf8 => Some(column.as_string::<i64>().iter().map(owned).collect()),
        DataType::Utf8View => Some(column.as_string_view().iter().map(owned).collect()),
        DataType::Dictionary(_, _) => {
            let dict = column.as_any_dictionary_opt()?;
            let values = string_values(dict.values())?;
            let keys = dict.normalized_keys();
            Some(
                (0..column.len())
                    .map(|i| {
                        if column.is_null(i) {
                            None
                        } else {
                            values.get(keys[i]).cloned().flatten()
                        }
                    })
                    .collect(),
            )
        }
        _ => None,
    }
}

/// A non-null string column.
pub(crate) fn string_column<'a>(values: impl IntoIterator<Item = &'a str>) -> ArrayRef {
    Arc::new(StringArray::from_iter_values(values))
}

/// A `list<float>` column with one row per chunk of `dim` values.
pub(crate) fn float_list_column(values: &[f32], dim: usize) -> ArrayRef {
    let mut builder = ListBuilder::with_capacity(
        Float32Builder::with_capacity(values.len()),
        values.len() / dim,
    );
    for row in values.chunks(dim) {
        builder.values().append_slice(row);
        builder.append(true);
    }
    Arc::new(builder.finish())
}

/// Writes named columns as one snappy-compressed parquet file.
pub(crate) fn write(path: &Path, columns: Vec<(&str, ArrayRef)>) -> Result<(), FormatError> {
    let fail = |e: arrow_schema::ArrowError| FormatError::io(path, std::io::Error::other(e));
    let pq_fail =
        |e: parquet::errors::ParquetError| FormatError::io(path, std::io::Error::other(e));
    let batch = RecordBatch::try_from_iter(columns).map_err(fail)?;
    let file = File::create(path).map_err(|e| FormatError::io(path, e))?;
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let mut writer = ArrowWriter::try_new(file, batch.schema(), Some(props)).map_err(pq_fail)?;
    writer.write(&batch).map_err(pq_fail)?;
    writer.close().map_err(pq_fail)?;
    Ok(())
}
