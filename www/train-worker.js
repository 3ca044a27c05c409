// Starts the router sandbox's training worker: the wasm-bindgen (no-modules) output of the
// `vlrb-train-worker` binary, which Trunk builds next to this file (index.html).
importScripts('./vlrb-train-worker.js');
wasm_bindgen({ module_or_path: './vlrb-train-worker_bg.wasm' });
