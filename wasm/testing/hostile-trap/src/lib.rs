//! Hostile: traps (panics, which aborts) on every event.
use omega_module_sdk::{omega_module, Event, Module, Verdict};

#[derive(Default)]
pub struct Crash;

impl Module for Crash {
    fn on_event(&mut self, event: &Event) -> Verdict {
        panic!("refusing event {}", event.id);
    }
}

omega_module!(Crash);
