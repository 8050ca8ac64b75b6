//! SDK for Omega detection modules: WebAssembly module ABI v1 (wasm/README.md).
//!
//! A module is a type implementing [`Module`]; `omega_module!(MyModule)` exports the ABI functions
//! the sentinel calls. Events arrive as the `omega.v1.Event` bytes the sentinel publishes and are
//! read through [`Event`]; the module answers with a [`Verdict`].
pub mod event;
pub mod verdict;
mod wire;

pub use event::{class, direction, protocol, Dns, Endpoint, Event, Network, Process, Workload};
pub use verdict::{Finding, Severity, Verdict};
pub use wire::DecodeError;

/// The ABI version this SDK implements; the host refuses modules reporting another.
pub const ABI_VERSION: i32 = 1;

/// `omega_on_event`'s answer when the event bytes could not be decoded.
pub const DECODE_FAILED: i32 = -1;

/// Detection logic: sees each event once, in order, and keeps whatever state it needs.
pub trait Module: Default {
    fn on_event(&mut self, event: &Event) -> Verdict;
}

/// Writes a line to the sentinel's log (rate-limited by the host).
pub fn log(message: &str) {
    #[cfg(target_arch = "wasm32")]
    {
        #[link(wasm_import_module = "omega_v1")]
        extern "C" {
            #[link_name = "log"]
            fn host_log(ptr: *const u8, len: usize);
        }
        unsafe { host_log(message.as_ptr(), message.len()) }
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = message;
}

/// The host side of the ABI, called by the functions `omega_module!` exports.
#[doc(hidden)]
pub mod host {
    use super::{Event, Module, DECODE_FAILED};
    use core::cell::UnsafeCell;

    /// Buffers the host reads and writes; a wasm32 module has one thread, so there is no sharing.
    pub struct Buffers {
        input: UnsafeCell<Vec<u8>>,
        output: UnsafeCell<Vec<u8>>,
    }
    unsafe impl Sync for Buffers {}

    pub static BUFFERS: Buffers = Buffers {
        input: UnsafeCell::new(Vec::new()),
        output: UnsafeCell::new(Vec::new()),
    };

    /// Makes the input buffer hold at least `capacity` bytes and returns its address.
    pub fn input(capacity: i32) -> i32 {
        let input = unsafe { &mut *BUFFERS.input.get() };
        let capacity = capacity.max(0) as usize;
        if input.len() < capacity {
            input.resize(capacity, 0);
        }
        input.as_ptr() as i32
    }

    /// Address of the last verdict's bytes.
    pub fn output() -> i32 {
        unsafe { (*BUFFERS.output.get()).as_ptr() as i32 }
    }

    /// Runs the module on the `len` event bytes in the input buffer: 0 for pass, else the length
    /// of the verdict at `output()`, or DECODE_FAILED.
    pub fn on_event<M: Module>(module: &mut M, len: i32) -> i32 {
        let input = unsafe { &*BUFFERS.input.get() };
        let Some(bytes) = input.get(..len.max(0) as usize) else {
            return DECODE_FAILED;
        };
        let Ok(event) = Event::decode(bytes) else {
            return DECODE_FAILED;
        };
        let verdict = module.on_event(&event);
        if verdict.is_pass() {
            return 0;
        }
        let output = unsafe { &mut *BUFFERS.output.get() };
        output.clear();
        verdict.encode(output);
        output.len() as i32
    }

    /// The module instance, created on the first event.
    pub struct Instance<M>(pub UnsafeCell<Option<M>>);
    unsafe impl<M> Sync for Instance<M> {}

    impl<M: Module> Instance<M> {
        pub fn get(&self) -> &mut M {
            unsafe { (*self.0.get()).get_or_insert_with(M::default) }
        }
    }
}

/// Exports the ABI v1 functions for a [`Module`] type.
#[macro_export]
macro_rules! omega_module {
    ($module:ty) => {
        static OMEGA_MODULE: $crate::host::Instance<$module> =
            $crate::host::Instance(::core::cell::UnsafeCell::new(None));

        #[no_mangle]
        pub extern "C" fn omega_abi_version() -> i32 {
            $crate::ABI_VERSION
        }

        #[no_mangle]
        pub extern "C" fn omega_input(capacity: i32) -> i32 {
            $crate::host::input(capacity)
        }

        #[no_mangle]
        pub extern "C" fn omega_output() -> i32 {
            $crate::host::output()
        }

        #[no_mangle]
        pub extern "C" fn omega_on_event(len: i32) -> i32 {
            $crate::host::on_event(OMEGA_MODULE.get(), len)
        }
    };
}
