//! Timestamps as the pages show them.

use chrono::{DateTime, Datelike, Timelike, Utc};

/// `2026-11-21 14:05:09 UTC`. Built from the fields rather than with
/// `format("%Y…")`, whose strftime interpreter would ship in the WASM bundle.
pub fn when(t: DateTime<Utc>) -> String {
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    #[test]
    fn times_are_shown_in_utc_to_the_second() {
        let t = chrono::Utc
            .with_ymd_and_hms(2026, 1, 2, 3, 4, 5)
            .single()
            .expect("valid");
        assert_eq!(super::when(t), "2026-01-02 03:04:05 UTC");
    }
}
