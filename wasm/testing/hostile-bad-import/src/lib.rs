//! Hostile: imports a function outside the ABI (WASI's proc_exit); it must be refused before it
//! runs at all.
use omega_module_sdk::{omega_module, Event, Module, Verdict};

#[link(wasm_import_module = "wasi_snapshot_preview1")]
extern "C" {
    fn proc_exit(code: i32);
}

#[derive(Default)]
pub struct Escape;

impl Module for Escape {
    fn on_event(&mut self, _event: &Event) -> Verdict {
        unsafe { proc_exit(1) };
        Verdict::pass()
    }
}

omega_module!(Escape);
