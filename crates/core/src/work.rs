//! A step counter for the tests that prove a function's work grows linearly with its input,
//! without timing it: the loops over user-controlled text and lists count what they look at
//! (`work::step`), and a test compares the count for an input and one four times as long.
//! Outside tests `step` compiles to nothing.

/// Counts `n` steps of work on this thread (tests only).
#[inline(always)]
pub(crate) fn step(n: usize) {
    #[cfg(test)]
    STEPS.with(|s| s.set(s.get() + n as u64));
    #[cfg(not(test))]
    let _ = n;
}

#[cfg(test)]
thread_local! {
    static STEPS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// The steps `f` counted.
#[cfg(test)]
pub(crate) fn steps<T>(f: impl FnOnce() -> T) -> u64 {
    let before = STEPS.with(|s| s.get());
    std::hint::black_box(f());
    STEPS.with(|s| s.get()) - before
}

/// Asserts that the work of `f` on an input of size 4n is less than 8 times its work on
/// size n — linear (or n log n) passes, quadratic (16×) fails — for each n given.
#[cfg(test)]
pub(crate) fn assert_linear(what: &str, sizes: &[usize], f: impl Fn(usize) -> u64) {
    for &n in sizes {
        let (small, large) = (f(n), f(4 * n));
        assert!(small > 0, "{what}: no work counted for n = {n}");
        assert!(
            large < 8 * small,
            "{what}: work for n = {n} is {small}, for 4n it is {large} ({:.1}×): super-linear",
            large as f64 / small as f64
        );
    }
}

/// Cases per property test: a few by default, so `cargo test` stays quick, and as many as
/// `WEFT_FUZZ_CASES` says for a longer run by hand (docs/fuzzing.md).
#[cfg(test)]
pub(crate) fn fuzz_cases(default: u32) -> u32 {
    std::env::var("WEFT_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}
