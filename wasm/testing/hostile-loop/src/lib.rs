//! Hostile: spins forever on every event (the time budget must stop it).
use omega_module_sdk::{omega_module, Event, Module, Verdict};

#[derive(Default)]
pub struct Spin;

impl Module for Spin {
    fn on_event(&mut self, _event: &Event) -> Verdict {
        loop {
            core::hint::black_box(());
        }
    }
}

omega_module!(Spin);
