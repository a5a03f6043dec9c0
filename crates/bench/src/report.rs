//! The readable table and the JSON lines.

use serde_json::{Map, Value, json};

/// One figure of a scenario, with what it is compared to.
pub struct Figure {
    pub name: &'static str,
    pub value: f64,
    pub unit: &'static str,
    /// The limit measured in the same run (e.g. the raw insert rate), if any.
    pub baseline: Option<f64>,
    /// The target, as text ("≥ 10000/s", "≤ 5 ms").
    pub target: Option<String>,
    /// Whether the target is met.
    pub met: Option<bool>,
}

pub fn fig(name: &'static str, value: f64, unit: &'static str) -> Figure {
    Figure { name, value, unit, baseline: None, target: None, met: None }
}

impl Figure {
    pub fn baseline(mut self, b: f64) -> Self {
        self.baseline = Some(b);
        self
    }
    /// A "no more than" target.
    pub fn at_most(mut self, t: f64) -> Self {
        self.target = Some(format!("≤ {}", short(t)));
        self.met = Some(self.value <= t);
        self
    }
    /// A "no less than" target.
    pub fn at_least(mut self, t: f64) -> Self {
        self.target = Some(format!("≥ {}", short(t)));
        self.met = Some(self.value >= t);
        self
    }
}

fn short(v: f64) -> String {
    if v.is_nan() {
        "-".into()
    } else if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

pub struct Scenario {
    pub name: &'static str,
    pub how: String,
    pub figures: Vec<Figure>,
    /// Fields of the JSON line beyond the figures (parameters, backend, machine).
    pub json: Map<String, Value>,
}

pub fn print_table(scenarios: &[Scenario]) {
    // Nothing ran (every scenario asked for was skipped): no empty table.
    if scenarios.is_empty() {
        return;
    }
    // The figure column fits the longest "name (unit)".
    let label = |f: &Figure| format!("{} ({})", f.name, f.unit);
    let w =
        scenarios.iter().flat_map(|s| s.figures.iter().map(|f| label(f).chars().count())).max().unwrap_or(0).max(28);
    println!();
    println!("{:<9} {:<w$} {:>12} {:>12} {:>8} {:>12}  ", "scenario", "figure", "value", "baseline", "ratio", "target");
    println!("{}", "-".repeat(62 + w));
    for s in scenarios {
        for f in &s.figures {
            let base = f.baseline.map(short).unwrap_or_default();
            let ratio = f.baseline.map(|b| format!("{:.2}", f.value / b)).unwrap_or_default();
            let target = f.target.clone().unwrap_or_default();
            let mark = match f.met {
                Some(true) => "met",
                Some(false) => "MISSED",
                None => "",
            };
            println!(
                "{:<9} {:<w$} {:>12} {:>12} {:>8} {:>12}  {mark}",
                s.name,
                label(f),
                short(f.value),
                base,
                ratio,
                target
            );
        }
        println!("          how: {}", s.how);
    }
}

pub fn json_line(s: &Scenario) -> String {
    let mut obj = s.json.clone();
    obj.insert("scenario".into(), json!(s.name));
    for f in &s.figures {
        let v = if f.value.is_finite() { json!((f.value * 1000.0).round() / 1000.0) } else { Value::Null };
        obj.insert(f.name.to_string(), v);
        if let Some(b) = f.baseline {
            obj.entry("baseline_per_s").or_insert(json!(b.round()));
        }
    }
    Value::Object(obj).to_string()
}
