//! Times the text functions on adversarial inputs: `cargo run --release -p weft-core --example pathological`.
use std::time::Instant;

fn cases(n: usize) -> Vec<(&'static str, String)> {
    vec![
        ("[", "[".repeat(n)),
        ("![", "![".repeat(n / 2)),
        ("[a](", "[a](".repeat(n / 4)),
        ("*", "*".repeat(n)),
        ("*a", "*a".repeat(n / 2)),
        ("a**b_", "a**b_".repeat(n / 5)),
        (">", ">".repeat(n)),
        ("> \\n", "> \n".repeat(n / 3)),
        ("`", "`".repeat(n)),
        (
            "`^k",
            (1..)
                .map(|k| "`".repeat(k) + "a")
                .scan(0, |len, s| {
                    *len += s.len();
                    (*len <= n).then_some(s)
                })
                .collect(),
        ),
        ("<", "<".repeat(n)),
        ("<a", "<a".repeat(n / 2)),
        (
            "- nested",
            (0..)
                .map(|k: usize| " ".repeat(k * 2) + "- a\n")
                .scan(0, |len, s| {
                    *len += s.len();
                    (*len <= n).then_some(s)
                })
                .collect(),
        ),
        (
            "1. nested",
            (0..)
                .map(|k: usize| " ".repeat(k * 3) + "1. a\n")
                .scan(0, |len, s| {
                    *len += s.len();
                    (*len <= n).then_some(s)
                })
                .collect(),
        ),
        ("table", {
            let c = n / 8;
            format!("{}\n{}\n{}", "|a".repeat(c), "|-".repeat(c), "|\n".repeat(n / 4))
        }),
        ("[x]: ref", "[x]: /u\n".repeat(n / 8)),
        ("[^]", "[^a]".repeat(n / 4)),
        ("~~", "~~a".repeat(n / 3)),
        ("\\[", "\\[".repeat(n / 2)),
        (
            "(twist-mention://k)",
            (0..)
                .map(|k: usize| format!("(twist-mention://{k})"))
                .scan(0, |len, s| {
                    *len += s.len();
                    (*len <= n).then_some(s)
                })
                .collect(),
        ),
        ("&#", "&#".repeat(n / 2)),
        ("a\\n", "a\n".repeat(n / 2)),
        ("[[..]]", "[".repeat(n / 2) + &"]".repeat(n / 2)),
        ("[..](", "[".repeat(n - 2) + "]("),
        ("[a]", "[a]".repeat(n / 3)),
        ("[a][b]", "[a][b]".repeat(n / 6)),
        ("[]", "[]".repeat(n / 2)),
        ("[](", "[](".repeat(n / 3)),
        ("](", "](".repeat(n / 2)),
        ("[ \n", "[\n".repeat(n / 2)),
        ("<a>", "<a>".repeat(n / 3)),
        ("<div>", "<div>".repeat(n / 5)),
        ("**a**", "**a**".repeat(n / 5)),
        ("*_", "*_".repeat(n / 2)),
        ("|", "|".repeat(n)),
        ("a|\n-|\n", format!("a|\n-|\n{}", "|".repeat(n))),
        ("_a*", "_a*".repeat(n / 3)),
    ]
}

fn time(f: impl FnOnce()) -> f64 {
    let t = Instant::now();
    f();
    t.elapsed().as_secs_f64() * 1000.0
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .nth(1)
        .map_or(vec![25_000, 100_000, 400_000], |s| s.split(',').map(|x| x.parse().unwrap()).collect());
    let only = std::env::args().nth(2);
    println!(
        "{:<22} {:>9} {:>12} {:>12} {:>12} {:>12}",
        "input", "bytes", "snippet ms", "render ms", "mentions ms", "render out"
    );
    for &n in &sizes {
        for (name, input) in cases(n) {
            if only.as_deref().is_some_and(|o| o != name) {
                continue;
            }
            let s = time(|| drop(std::hint::black_box(weft_core::text::snippet(&input, 160))));
            let mut out = 0;
            let skip_render = std::env::var("SKIP_RENDER").is_ok();
            let r = if skip_render {
                0.0
            } else {
                time(|| out = std::hint::black_box(weft_core::text::render_html(&input)).len())
            };
            let m = time(|| drop(std::hint::black_box(weft_core::text::user_mentions(&input))));
            println!("{name:<22} {:>9} {s:>12.1} {r:>12.1} {m:>12.1} {out:>12}", input.len());
        }
    }
}
