//! Denormal floats flushed to zero while a network trains. Within an epoch, Adam's squared
//! gradients and a ReLU network's smallest products fall below f32's normal range (about
//! 1.2e-38), and an x86-64 processor takes every such operand through a slow path: on a
//! million-row table an epoch ran at 34,000 rows/s instead of 200,000 (BENCHMARKS.md).
//! Flushing them (the SSE control register's FTZ and DAZ bits, as TensorFlow and oneDNN set
//! on CPUs) changes only values far below any a loss or a weight can tell apart.

/// Flushes denormals on this thread until dropped, then restores the previous mode.
pub struct FlushDenormals {
    #[cfg(target_arch = "x86_64")]
    saved: u32,
}

/// MXCSR's flush-to-zero (bit 15) and denormals-are-zero (bit 6).
#[cfg(target_arch = "x86_64")]
const FTZ_DAZ: u32 = 0x8040;

impl FlushDenormals {
    #[cfg(target_arch = "x86_64")]
    pub fn new() -> Self {
        let saved = read_mxcsr();
        write_mxcsr(saved | FTZ_DAZ);
        Self { saved }
    }

    /// Elsewhere, nothing (the trainer's hot loops run where x86-64 is).
    #[cfg(not(target_arch = "x86_64"))]
    pub fn new() -> Self {
        Self {}
    }
}

impl Default for FlushDenormals {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for FlushDenormals {
    fn drop(&mut self) {
        #[cfg(target_arch = "x86_64")]
        write_mxcsr(self.saved);
    }
}

#[cfg(target_arch = "x86_64")]
fn read_mxcsr() -> u32 {
    let mut v: u32 = 0;
    // SAFETY: `stmxcsr` stores this thread's SSE control register (present on every x86-64
    // processor) into `v`, a valid, writable u32.
    unsafe { std::arch::asm!("stmxcsr [{}]", in(reg) &mut v, options(nostack, preserves_flags)) };
    v
}

#[cfg(target_arch = "x86_64")]
fn write_mxcsr(v: u32) {
    // SAFETY: `ldmxcsr` loads the register from `v`; the values written are the register's own
    // with at most FTZ and DAZ added (no reserved bit, no exception unmasked, the rounding mode
    // unchanged), which only decide what becomes of values below the normal range.
    unsafe { std::arch::asm!("ldmxcsr [{}]", in(reg) &v, options(nostack, readonly, preserves_flags)) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn denormals_flush_inside_the_guard_only() {
        let tiny = std::hint::black_box(f32::MIN_POSITIVE);
        let half = |x: f32| std::hint::black_box(x) * std::hint::black_box(0.5);
        assert!(half(tiny) > 0.0, "a denormal by default");
        {
            let _flush = FlushDenormals::new();
            #[cfg(target_arch = "x86_64")]
            assert_eq!(half(tiny), 0.0, "flushed");
        }
        assert!(half(tiny) > 0.0, "restored");
    }
}
