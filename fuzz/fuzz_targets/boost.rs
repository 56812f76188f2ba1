#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| advisor_fuzz::boost(data));
