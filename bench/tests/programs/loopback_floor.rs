//! The `loopback` benchmark end to end: it starts its own reading side, writes for the time
//! given and prints both sides' figures, and every byte written is read.

use std::process::Command;

#[test]
fn a_short_run_prints_both_sides_and_reads_what_it_wrote() {
    let out = Command::new(env!("CARGO_BIN_EXE_loopback"))
        .args([
            "--streams",
            "30",
            "--bytes",
            "2000",
            "--seconds",
            "1",
            "--chunked",
        ])
        .output()
        .expect("the benchmark runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.starts_with("loopback fan-out floor on "), "{text}");
    let line = |prefix: &str| {
        text.lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no `{prefix}` line in\n{text}"))
            .to_owned()
    };
    assert!(line("writes: ").contains(" 0 short"), "{text}");
    let bytes = line("bytes: ");
    let written = bytes.split(" GB written").next().unwrap();
    let read = bytes
        .split(", ")
        .last()
        .unwrap()
        .trim_end_matches(" GB read");
    assert_eq!(written.trim_start_matches("bytes: "), read, "{bytes}");
    assert!(line("writer CPU: ").contains("µs per write"), "{text}");
    assert!(line("reader CPU: ").contains("µs per write"), "{text}");
}

#[test]
fn settings_out_of_bounds_are_refused() {
    let out = Command::new(env!("CARGO_BIN_EXE_loopback"))
        .args(["--streams", "100000"])
        .output()
        .expect("the benchmark runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--streams"));
}
