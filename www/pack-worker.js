// Starts the pack worker: the wasm-bindgen (no-modules) output of the `vlrb-pack-worker` binary,
// which Trunk builds next to this file (index.html).
importScripts('./vlrb-pack-worker.js');
wasm_bindgen({ module_or_path: './vlrb-pack-worker_bg.wasm' });
