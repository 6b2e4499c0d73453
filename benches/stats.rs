//! Percentiles for the benchmarks' printed figures.

use std::time::Duration;

pub struct Summary {
    pub n: usize,
    pub p50: Duration,
    pub p90: Duration,
    pub p99: Duration,
    pub max: Duration,
    pub mean: Duration,
}

pub fn summarize(mut samples: Vec<Duration>) -> Summary {
    assert!(!samples.is_empty(), "no samples");
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    let total: Duration = samples.iter().sum();
    Summary {
        n: samples.len(),
        p50: at(0.50),
        p90: at(0.90),
        p99: at(0.99),
        max: samples[samples.len() - 1],
        mean: total / samples.len() as u32,
    }
}

pub fn print(label: &str, s: &Summary, budget: Option<(&str, Duration)>) {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    print!(
        "{label:<48} n={:<4} p50 {:>7.2} ms  p90 {:>7.2} ms  p99 {:>7.2} ms  max {:>7.2} ms  mean {:>7.2} ms",
        s.n,
        ms(s.p50),
        ms(s.p90),
        ms(s.p99),
        ms(s.max),
        ms(s.mean)
    );
    match budget {
        Some((which, limit)) => println!("  (aim: {which} ≤ {:.0} ms)", ms(limit)),
        None => println!(),
    }
}
