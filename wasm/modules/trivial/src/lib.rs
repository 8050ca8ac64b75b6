//! The smallest module: decodes each event and passes it. The benchmark's baseline for the cost
//! of the ABI itself (copy in, decode, call, answer).
use omega_module_sdk::{omega_module, Event, Module, Verdict};

#[derive(Default)]
pub struct Trivial;

impl Module for Trivial {
    fn on_event(&mut self, _event: &Event) -> Verdict {
        Verdict::pass()
    }
}

omega_module!(Trivial);
