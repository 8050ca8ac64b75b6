//! Hostile: allocates 1 MiB more on every loop turn until memory runs out (the memory maximum
//! must stop it: the failed grow aborts the module).
use omega_module_sdk::{omega_module, Event, Module, Verdict};

#[derive(Default)]
pub struct Hoard {
    chunks: Vec<Vec<u8>>,
}

impl Module for Hoard {
    fn on_event(&mut self, _event: &Event) -> Verdict {
        loop {
            let chunk = vec![0xa5u8; 1 << 20];
            self.chunks.push(core::hint::black_box(chunk));
        }
    }
}

omega_module!(Hoard);
