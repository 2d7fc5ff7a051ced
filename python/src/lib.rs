//! `dedup._dedup`: the compiled half of the Python package. It turns
//! Python iterables into documents (one item at a time, never a list of
//! them all), runs the library with the GIL released, and returns reports
//! as the JSON text of `dedup scan --format json`, which
//! `dedup/__init__.py` parses into dicts. Calls into the library go
//! through `engine.rs` only.

mod engine;

use engine::{Inputs, ParamOverrides};
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyFloat, PyString, PyTuple};
use std::path::PathBuf;
use std::sync::Mutex;

create_exception!(
    _dedup,
    DedupError,
    PyException,
    "A dedup run failed: an index that is missing, incompatible or corrupt."
);

fn to_py(e: engine::Error) -> PyErr {
    match e {
        engine::Error::Param(m) => PyValueError::new_err(m),
        other => DedupError::new_err(other.to_string()),
    }
}

/// Reads `items` into documents. An item is a `str` (a text), `bytes`
/// (decoded like a file), an `os.PathLike` (a file or directory, read like
/// `dedup scan PATH`), an `(id, text)` tuple, or anything with `as_py()`
/// (a pyarrow scalar) giving one of those. `ids`, when given, is iterated
/// alongside and names the texts; otherwise a text's id is its position.
/// Anything else (`None`, a float NaN from a pandas column) becomes an
/// entry under the report's `errors`, not an exception.
fn gather(
    items: &Bound<'_, PyAny>,
    ids: Option<&Bound<'_, PyAny>>,
    text_field: &str,
    id_field: &str,
) -> PyResult<Inputs> {
    let py = items.py();
    let path_like = py.import("os")?.getattr("PathLike")?;
    let mut inputs = Inputs::new(text_field, id_field);
    if items.is_instance(&path_like)? {
        inputs.path(fspath(items)?);
        return Ok(inputs);
    }
    if items.is_instance_of::<PyString>() || items.is_instance_of::<PyBytes>() {
        return Err(PyTypeError::new_err(
            "expected an iterable of texts or paths, got a single text: pass [text]",
        ));
    }
    let mut ids = ids.map(|i| i.try_iter()).transpose()?;
    for (position, item) in items.try_iter()?.enumerate() {
        let item = item?;
        let id = match &mut ids {
            Some(it) => match it.next() {
                Some(id) => Some(id?.str()?.to_string()),
                None => return Err(PyValueError::new_err("ids= is shorter than the items")),
            },
            None => None,
        };
        add_item(&mut inputs, position, id, &item, &path_like)?;
    }
    Ok(inputs)
}

fn fspath(obj: &Bound<'_, PyAny>) -> PyResult<PathBuf> {
    let os = obj.py().import("os")?;
    os.getattr("fspath")?.call1((obj,))?.extract()
}

fn add_item(
    inputs: &mut Inputs,
    position: usize,
    id: Option<String>,
    item: &Bound<'_, PyAny>,
    path_like: &Bound<'_, PyAny>,
) -> PyResult<()> {
    if item.is_instance(path_like)? {
        if id.is_some() {
            return Err(PyValueError::new_err(
                "ids= names texts; the documents of a path take their ids from their file names",
            ));
        }
        inputs.path(fspath(item)?);
        return Ok(());
    }
    if let Ok(pair) = item.cast::<PyTuple>() {
        if pair.len() == 2 {
            let own_id = pair.get_item(0)?.str()?.to_string();
            return add_text(inputs, position, own_id, &pair.get_item(1)?);
        }
    }
    add_text(
        inputs,
        position,
        id.unwrap_or_else(|| position.to_string()),
        item,
    )
}

fn add_text(
    inputs: &mut Inputs,
    position: usize,
    id: String,
    item: &Bound<'_, PyAny>,
) -> PyResult<()> {
    if let Ok(s) = item.cast::<PyString>() {
        // A UTF-8 copy that is dropped right away: `to_str` would leave a
        // cached UTF-8 copy on every string of the caller's column.
        match s.encode_utf8() {
            Ok(bytes) => inputs.bytes(id, bytes.as_bytes()),
            Err(e) => inputs.error(id, format!("item {position}: not valid Unicode ({e})")),
        }
    } else if let Ok(b) = item.cast::<PyBytes>() {
        inputs.bytes(id, b.as_bytes());
    } else if is_missing(item)? {
        inputs.error(
            id,
            format!("item {position}: no text (missing value): skipped"),
        );
    } else if item.hasattr("as_py")? {
        let value = item.call_method0("as_py")?;
        if value.hasattr("as_py")? {
            return Err(PyTypeError::new_err("as_py() returned a scalar again"));
        }
        add_text(inputs, position, id, &value)?;
    } else {
        let type_name = item.get_type().name()?.to_string();
        inputs.error(
            id,
            format!("item {position}: not a text or a path ({type_name}): skipped"),
        );
    }
    Ok(())
}

/// `None`, a float NaN or pandas' `NA`: how a column says "no value".
fn is_missing(item: &Bound<'_, PyAny>) -> PyResult<bool> {
    if item.is_none() {
        return Ok(true);
    }
    if let Ok(f) = item.cast::<PyFloat>() {
        return Ok(f.value().is_nan());
    }
    Ok(item.get_type().name()? == "NAType")
}

#[allow(clippy::too_many_arguments)]
fn overrides(
    threshold: Option<f64>,
    shingle_size: Option<usize>,
    num_perm: Option<usize>,
    rewrite: Option<bool>,
    min_bigram_containment: Option<f64>,
    min_window_containment: Option<f64>,
) -> ParamOverrides {
    ParamOverrides {
        threshold,
        shingle_size,
        num_perm,
        rewrite,
        min_bigram_containment,
        min_window_containment,
    }
}

/// The JSON report of a scan of `items` (see `dedup.scan`).
#[pyfunction]
#[pyo3(signature = (items, ids=None, *, threshold=None, shingle_size=None, num_perm=None,
    rewrite=None, min_bigram_containment=None, min_window_containment=None, threads=None,
    text_field="text", id_field="id"))]
#[allow(clippy::too_many_arguments)]
fn scan_json(
    py: Python<'_>,
    items: &Bound<'_, PyAny>,
    ids: Option<&Bound<'_, PyAny>>,
    threshold: Option<f64>,
    shingle_size: Option<usize>,
    num_perm: Option<usize>,
    rewrite: Option<bool>,
    min_bigram_containment: Option<f64>,
    min_window_containment: Option<f64>,
    threads: Option<usize>,
    text_field: &str,
    id_field: &str,
) -> PyResult<String> {
    let params = overrides(
        threshold,
        shingle_size,
        num_perm,
        rewrite,
        min_bigram_containment,
        min_window_containment,
    )
    .apply(&dedup::Params::default())
    .map_err(to_py)?;
    let inputs = gather(items, ids, text_field, id_field)?;
    Ok(py.detach(|| engine::with_threads(threads, || engine::scan_json(inputs, &params))))
}

/// The JSON report of checking `new` against `against` (see
/// `dedup.check`).
#[pyfunction]
#[pyo3(signature = (new, against, *, threshold=None, shingle_size=None, num_perm=None,
    rewrite=None, min_bigram_containment=None, min_window_containment=None, threads=None,
    text_field="text", id_field="id"))]
#[allow(clippy::too_many_arguments)]
fn check_json(
    py: Python<'_>,
    new: &Bound<'_, PyAny>,
    against: &Bound<'_, PyAny>,
    threshold: Option<f64>,
    shingle_size: Option<usize>,
    num_perm: Option<usize>,
    rewrite: Option<bool>,
    min_bigram_containment: Option<f64>,
    min_window_containment: Option<f64>,
    threads: Option<usize>,
    text_field: &str,
    id_field: &str,
) -> PyResult<String> {
    let params = overrides(
        threshold,
        shingle_size,
        num_perm,
        rewrite,
        min_bigram_containment,
        min_window_containment,
    )
    .apply(&dedup::Params::default())
    .map_err(to_py)?;
    let new = gather(new, None, text_field, id_field)?;
    let against = gather(against, None, text_field, id_field)?;
    Ok(py.detach(|| {
        engine::with_threads(threads, || {
            engine::check_against_json(new, against, &params)
        })
    }))
}

/// An input error as Python gets it: `(file, line, message)`.
type ErrorTuple = (String, Option<usize>, String);

/// An open index file (see `dedup.Index`).
#[pyclass(name = "NativeIndex", module = "dedup._dedup")]
struct NativeIndex {
    // `Index` holds an SQLite connection: usable from one thread at a time.
    index: Mutex<dedup::index::Index>,
    path: PathBuf,
}

impl NativeIndex {
    /// The index, for this thread. A panic while another call held it
    /// rolled its transaction back (SQLite), so the index is still usable.
    fn lock(&self) -> std::sync::MutexGuard<'_, dedup::index::Index> {
        self.index
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[pymethods]
impl NativeIndex {
    #[new]
    fn open(path: PathBuf) -> PyResult<Self> {
        let index = engine::open_index(&path).map_err(to_py)?;
        Ok(NativeIndex {
            index: Mutex::new(index),
            path,
        })
    }

    #[staticmethod]
    #[pyo3(signature = (path, *, overwrite=false, threshold=None, shingle_size=None,
        num_perm=None, rewrite=None, min_bigram_containment=None, min_window_containment=None))]
    #[allow(clippy::too_many_arguments)]
    fn create(
        path: PathBuf,
        overwrite: bool,
        threshold: Option<f64>,
        shingle_size: Option<usize>,
        num_perm: Option<usize>,
        rewrite: Option<bool>,
        min_bigram_containment: Option<f64>,
        min_window_containment: Option<f64>,
    ) -> PyResult<Self> {
        let params = overrides(
            threshold,
            shingle_size,
            num_perm,
            rewrite,
            min_bigram_containment,
            min_window_containment,
        )
        .apply(&dedup::Params::default())
        .map_err(to_py)?;
        let index = engine::create_index(&path, &params, overwrite).map_err(to_py)?;
        Ok(NativeIndex {
            index: Mutex::new(index),
            path,
        })
    }

    /// Adds items; returns `(added, replaced, unchanged, errors_json)`.
    #[pyo3(signature = (items, ids=None, *, threads=None, text_field="text", id_field="id"))]
    fn add(
        &self,
        py: Python<'_>,
        items: &Bound<'_, PyAny>,
        ids: Option<&Bound<'_, PyAny>>,
        threads: Option<usize>,
        text_field: &str,
        id_field: &str,
    ) -> PyResult<(usize, usize, usize, Vec<ErrorTuple>)> {
        let inputs = gather(items, ids, text_field, id_field)?;
        let (summary, errors) = py
            .detach(|| {
                // Locked on the thread that uses it: the connection is
                // `Send`, not `Sync`.
                engine::with_threads(threads, || engine::add_to_index(&mut self.lock(), inputs))
            })
            .map_err(to_py)?;
        let errors = errors
            .into_iter()
            .map(|e| (e.file, e.line, e.message))
            .collect();
        Ok((summary.added, summary.replaced, summary.unchanged, errors))
    }

    /// The JSON report of checking `items` against the index.
    #[pyo3(signature = (items, ids=None, *, threshold=None, min_bigram_containment=None,
        min_window_containment=None, threads=None, text_field="text", id_field="id"))]
    #[allow(clippy::too_many_arguments)]
    fn check_json(
        &self,
        py: Python<'_>,
        items: &Bound<'_, PyAny>,
        ids: Option<&Bound<'_, PyAny>>,
        threshold: Option<f64>,
        min_bigram_containment: Option<f64>,
        min_window_containment: Option<f64>,
        threads: Option<usize>,
        text_field: &str,
        id_field: &str,
    ) -> PyResult<String> {
        let inputs = gather(items, ids, text_field, id_field)?;
        let base = engine::index_run_params(&self.lock()).map_err(to_py)?;
        let params = ParamOverrides {
            threshold,
            min_bigram_containment,
            min_window_containment,
            ..ParamOverrides::default()
        }
        .apply(&base)
        .map_err(to_py)?;
        py.detach(|| {
            engine::with_threads(threads, || {
                engine::check_index_json(&self.lock(), inputs, &params)
            })
        })
        .map_err(to_py)
    }

    /// `dedup index stats` as JSON.
    fn stats_json(&self) -> PyResult<String> {
        let stats = engine::index_stats(&self.lock()).map_err(to_py)?;
        serde_json_string(&stats)
    }

    /// The index's stored parameters as JSON.
    fn params_json(&self) -> String {
        engine::index_params_json(&self.lock())
    }

    #[getter]
    fn path(&self) -> PathBuf {
        self.path.clone()
    }
}

fn serde_json_string(value: &impl serde::Serialize) -> PyResult<String> {
    serde_json::to_string(value).map_err(|e| DedupError::new_err(e.to_string()))
}

/// The compiled core of the `dedup` package.
#[pymodule]
fn _dedup(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(scan_json, m)?)?;
    m.add_function(wrap_pyfunction!(check_json, m)?)?;
    m.add_class::<NativeIndex>()?;
    m.add("DedupError", m.py().get_type::<DedupError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
