//! Records the git commit and the build profile for `detente --version`.
//!
//! Without git (a source tarball, `cargo install` from a registry) the commit is "unknown"; the
//! build never fails for want of it.

use std::path::PathBuf;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?.trim().to_string();
    if s.is_empty() { None } else { Some(s) }
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let commit = git(&["rev-parse", "--short=12", "HEAD"]);
    if commit.is_some() {
        // Rebuild when HEAD moves: HEAD itself (a branch switch) and the branch's ref (a commit).
        // Only paths that exist are watched, so a missing file never forces a rebuild.
        let mut watch: Vec<PathBuf> = Vec::new();
        if let Some(dir) = git(&["rev-parse", "--git-dir"]) {
            watch.push(PathBuf::from(&dir).join("HEAD"));
        }
        if let (Some(common), Some(head_ref)) =
            (git(&["rev-parse", "--git-common-dir"]), git(&["symbolic-ref", "-q", "HEAD"]))
        {
            watch.push(PathBuf::from(&common).join(head_ref));
            watch.push(PathBuf::from(&common).join("packed-refs"));
        }
        for p in watch.into_iter().filter(|p| p.exists()) {
            println!("cargo:rerun-if-changed={}", p.display());
        }
    }
    // Uncommitted changes are not flagged: the build script does not rerun on every edit, so a
    // "modified" mark could be stale.
    let commit = commit.unwrap_or_else(|| "unknown".to_string());
    let profile = std::env::var("PROFILE").unwrap_or_else(|_| "unknown".to_string());
    println!("cargo:rustc-env=DETENTE_COMMIT={commit}");
    println!("cargo:rustc-env=DETENTE_PROFILE={profile}");
    bundled_scenarios();
}

/// Embeds every `scenarios/*.toml` so `detente init --from NAME` works from any directory and
/// a scenario added to the folder is bundled without a code change.
fn bundled_scenarios() {
    println!("cargo:rerun-if-changed=scenarios");
    let dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into())).join("scenarios");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().to_string())
                .filter(|n| n.ends_with(".toml"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut code = String::from(
        "/// Every bundled scenario: (file stem, text), by name.\npub const BUNDLED: &[(&str, &str)] = &[\n",
    );
    for n in &names {
        let stem = n.trim_end_matches(".toml");
        let path = dir.join(n);
        code.push_str(&format!("    ({stem:?}, include_str!({:?})),\n", path.display().to_string()));
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into())).join("bundled.rs");
    if let Err(e) = std::fs::write(&out, code) {
        println!("cargo:warning=could not write {}: {e}", out.display());
    }
}
