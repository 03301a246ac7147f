//! "Did you mean …?" suggestions for misspelt names and keys.

/// The candidate closest to `input` by normalised Damerau–Levenshtein similarity (ignoring ASCII
/// case, `-` and `_`), if it is close enough to be a plausible misspelling.
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let norm = |s: &str| s.chars().filter(|c| *c != '-' && *c != '_').collect::<String>().to_ascii_lowercase();
    let want = norm(input);
    let mut best: Option<(&'a str, f64)> = None;
    for c in candidates {
        let score = strsim::normalized_damerau_levenshtein(&want, &norm(c));
        if best.is_none_or(|(_, s)| score > s) {
            best = Some((c, score));
        }
    }
    best.filter(|(_, s)| *s >= 0.5).map(|(c, _)| c)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn finds_close_names_and_rejects_far_ones() {
        let names = ["tit-for-tat", "grudger", "defector"];
        assert_eq!(closest("tit-for-tatt", names), Some("tit-for-tat"));
        assert_eq!(closest("TitForTat", names), Some("tit-for-tat"));
        assert_eq!(closest("grudgr", names), Some("grudger"));
        assert_eq!(closest("zzzzzz", names), None);
    }
}
