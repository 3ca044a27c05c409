//! The sandbox's training workers: one per share of a run (a lambda sweep on the CPU is split
//! among parallel workers, each one-threaded; anything else runs in one), kept until the run's
//! weights are no longer wanted.

use std::cell::RefCell;

use vlrb_sandbox::WORKER_SCRIPT;

use crate::web::{self, WebError, WorkerHandle};

thread_local! {
    /// The running workers, by share (terminated when dropped; `None` once a share's worker is no
    /// longer needed).
    static WORKERS: RefCell<Vec<Option<WorkerHandle>>> = const { RefCell::new(Vec::new()) };
}

/// How many workers a CPU sweep is split among: the browser's logical cores, at least 2 (the grid
/// has 6 lambdas, so at most 6).
pub fn sweep_workers() -> usize {
    web::hardware_concurrency().clamp(2, vlrb_core::soft_labels::LAMBDA_GRID.len())
}

/// Starts `count` workers (replacing any), handing worker `i`'s messages to `on_message(i, text)`
/// and its failures to `on_error(i, error)`.
pub fn start(
    count: usize,
    on_message: impl Fn(usize, String) + Copy + 'static,
    on_error: impl Fn(usize, WebError) + Copy + 'static,
) -> Result<(), WebError> {
    stop();
    let mut started = Vec::with_capacity(count);
    for i in 0..count {
        started.push(Some(WorkerHandle::start(
            WORKER_SCRIPT,
            move |text| on_message(i, text),
            move |e| on_error(i, e),
        )?));
    }
    WORKERS.with(|w| *w.borrow_mut() = started);
    Ok(())
}

/// Posts `text` to worker `i`.
pub fn post(i: usize, text: &str) -> Result<(), String> {
    WORKERS.with(|w| match w.borrow().get(i).and_then(Option::as_ref) {
        Some(handle) => handle.post(text).map_err(|e| e.to_string()),
        None => Err("the training worker is gone; train again".to_owned()),
    })
}

/// Keeps worker `i` only (it holds the chosen lambda's weights); the others are no longer heard
/// and end once the page is idle, after the finished run has rendered. Its messages keep their
/// index.
pub fn keep_only(i: usize) {
    WORKERS.with(|w| {
        let mut workers = w.borrow_mut();
        for (j, slot) in workers.iter_mut().enumerate() {
            if let Some(handle) = slot.take_if(|_| j != i) {
                handle.end_when_idle();
            }
        }
    });
}

/// Ends every worker. Their handles (and message handlers) are dropped after the current event,
/// since a worker's own handler may be what asks for the stop.
pub fn stop() {
    let mut ended = WORKERS.with(|w| std::mem::take(&mut *w.borrow_mut()));
    for handle in ended.iter_mut().flatten() {
        handle.terminate();
    }
    leptos::task::spawn_local(async move { drop(ended) });
}
