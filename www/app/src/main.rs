//! Entry point of the browser build: mounts the application on `<body>`.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(vlrb_web::app::App);
}
