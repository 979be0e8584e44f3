//! Property-based fuzz targets (issue 9, "Hostile input") for what the server reads: the
//! catalogue files (mutated copies of `catalog/` through the real loader, and broken catalogues
//! in memory), the merge engine over the real catalogue (random subsets of a bundle, random
//! answers), and the upload pipeline (`uploads::process` on real JPEG, PNG and PDF files built
//! here, then damaged).
//!
//! Each target runs its own number of cases (`PROPTEST_CASES` overrides it for every target)
//! from a fixed seed per target (`PROPTEST_RNG_SEED` overrides it), and prints one line
//! `FUZZ <target> cases=<n> crashes=<0|1> seconds=<s> seed=<seed>`; `cargo xtask` reads those.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

use onetrip_domain::catalog::checklist::{Need, Subject, checklist, questions_for, typical};
use onetrip_domain::catalog::condition::holds;
use onetrip_domain::catalog::merge::{Conflict, merge_fields, merged_form};
use onetrip_domain::catalog::questions::{Answers, complete, prune, walk};
use onetrip_domain::catalog::{
    Catalog, FieldKind, FileType, MaterialUse, Matter, Problem, Supply, is_code,
};
use onetrip_domain::files::{jpeg_dimensions, pdf_page_count_hint, png_dimensions, sniff};
use onetrip_server::catalog::load;
use onetrip_server::uploads::{self, MAX_SIDE, Refused};
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};

// ---------------------------------------------------------------------------------------------
// The harness

/// Run one target and print its FUZZ line; panics with the smallest failing input.
fn fuzz<S: Strategy>(
    target: &str,
    default_cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) {
    // `Config::default()` reads PROPTEST_CASES and PROPTEST_RNG_SEED.
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = default_cases;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(seed_of(target));
    }
    // No regression files written into the source tree: the FUZZ line names the seed.
    config.failure_persistence = None;
    let seed = match config.rng_seed {
        RngSeed::Fixed(s) => s.to_string(),
        RngSeed::Random => "random".to_owned(),
    };
    let runs = Cell::new(0u32);
    let start = Instant::now();
    let result = TestRunner::new(config).run(&strategy, |value| {
        runs.set(runs.get() + 1);
        test(value)
    });
    let seconds = start.elapsed().as_secs_f64();
    let crashes = u32::from(result.is_err());
    println!(
        "FUZZ {target} cases={} crashes={crashes} seconds={seconds:.2} seed={seed}",
        runs.get()
    );
    if let Err(e) = result {
        panic!("fuzz target {target} failed (seed {seed}): {e}");
    }
}

/// Counts of what the cases met, printed as `INPUTS <target> what=n ...` after the FUZZ line.
#[derive(Default)]
struct Tally(RefCell<BTreeMap<&'static str, u32>>);

impl Tally {
    fn add(&self, what: &'static str) {
        *self.0.borrow_mut().entry(what).or_default() += 1;
    }

    fn print(&self, target: &str) {
        let counts: Vec<String> = self
            .0
            .borrow()
            .iter()
            .map(|(what, n)| format!("{what}={n}"))
            .collect();
        println!("INPUTS {target} {}", counts.join(" "));
    }
}

/// FNV-1a of the target's name: each target its own fixed seed.
fn seed_of(target: &str) -> u64 {
    target.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn repo_catalog() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../catalog")
}

/// The real catalogue, loaded once.
fn real() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        load(&repo_catalog())
            .unwrap_or_else(|e| panic!("catalog/ must load: {e}"))
            .catalog
    })
}

/// Every subject of a catalogue: its bundles, then its matters.
fn subjects(catalog: &Catalog) -> Vec<Subject> {
    let bundles = catalog
        .bundles
        .iter()
        .map(|b| Subject::Bundle(b.code.clone()));
    let matters = catalog
        .matters
        .iter()
        .map(|m| Subject::Matter(m.code.clone()));
    bundles.chain(matters).collect()
}

/// What a valid catalogue promises for every subject: its typical checklist and merged form.
fn check_every_subject(catalog: &Catalog) -> Result<(), TestCaseError> {
    for subject in subjects(catalog) {
        let list = typical(catalog, &subject);
        prop_assert!(list.is_some(), "{:?} has no typical checklist", subject);
        let questions = questions_for(catalog, &subject).unwrap_or_default();
        let answers = onetrip_domain::catalog::questions::default_answers(&questions);
        prop_assert!(
            merged_form(catalog, &subject, &answers).is_ok(),
            "{:?}: no merged form",
            subject
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The catalogue loader on damaged files

/// A copy of `catalog/` in a folder of its own, restored after each case.
struct Scratch {
    dir: PathBuf,
    /// Path relative to `dir`, and the original bytes.
    files: Vec<(PathBuf, Vec<u8>)>,
}

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!(
            "onetrip-fuzz-{name}-{}-{}",
            std::process::id(),
            uuid::Uuid::new_v4()
        ));
        let mut files = Vec::new();
        copy_dir(&repo_catalog(), &dir, Path::new(""), &mut files);
        files.sort();
        Scratch { dir, files }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn copy_dir(from: &Path, to: &Path, rel: &Path, files: &mut Vec<(PathBuf, Vec<u8>)>) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        let rel = rel.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target, &rel, files);
        } else {
            let bytes = std::fs::read(entry.path()).unwrap();
            std::fs::write(&target, &bytes).unwrap();
            files.push((rel, bytes));
        }
    }
}

/// Values and lines that catalogue files hold, and some they must not.
const VALUES: &[&str] = &[
    "\"\"",
    "0",
    "1",
    "2",
    "-1",
    "255",
    "256",
    "4294967296",
    "99999999999999999999",
    "1.5",
    "nan",
    "true",
    "[]",
    "[\"pdf\"]",
    "[\"gif\"]",
    "{}",
    "\"amr\"",
    "\"no-such\"",
    "\"id-card\"",
    "\"applicant.name\"",
    "\"company-registration\"",
    "\"a and not b\"",
    "\"not\"",
    "\"has_employees\"",
    "\"Bad Code\"",
    "\"\\u0000\"",
    "\"😀\"",
    "\"\u{202E}\"",
    "1979-05-27",
    "\"2026-02-30\"",
    "'''",
    "\"\"\"",
    "[[",
];
const LINES: &[&str] = &[
    "[[field]]",
    "[[material]]",
    "[[question]]",
    "[[question.option]]",
    "[[member]]",
    "key = \"applicant.name\"",
    "key = \"id-card\"",
    "matter = \"company-registration\"",
    "when = \"no_such_flag\"",
    "after = [\"nowhere\"]",
    "trips = 1",
    "x = 1",
    "[department]",
    "\u{FEFF}",
    "\"unterminated",
    "# 注释",
    "",
];

/// One change to a catalogue file's text.
#[derive(Debug, Clone)]
enum Edit {
    FlipByte(Index, u8),
    DeleteLine(Index),
    DuplicateLine(Index),
    SwapLines(Index, Index),
    /// Exchange the values of two `key = value` lines.
    SwapValues(Index, Index),
    SetValue(Index, &'static str),
    InsertLine(Index, &'static str),
    Truncate(Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        2 => (any::<Index>(), 1u8..=255).prop_map(|(i, x)| Edit::FlipByte(i, x)),
        2 => any::<Index>().prop_map(Edit::DeleteLine),
        1 => any::<Index>().prop_map(Edit::DuplicateLine),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
        3 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Edit::SwapValues(a, b)),
        3 => (any::<Index>(), select(VALUES)).prop_map(|(i, v)| Edit::SetValue(i, v)),
        1 => (any::<Index>(), select(LINES)).prop_map(|(i, l)| Edit::InsertLine(i, l)),
        1 => any::<Index>().prop_map(Edit::Truncate),
    ]
}

/// Apply an edit to a file's bytes (text edits work on lines split at `\n`).
fn apply_edit(bytes: &mut Vec<u8>, edit: &Edit) {
    let mut lines: Vec<Vec<u8>> = bytes.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    // Lines of the form `key = value`.
    let assignments: Vec<usize> = (0..lines.len())
        .filter(|&i| {
            let l = &lines[i];
            !l.starts_with(b"#") && l.windows(3).any(|w| w == b" = ")
        })
        .collect();
    let split = |l: &[u8]| {
        let at = l.windows(3).position(|w| w == b" = ").unwrap_or(0);
        (l[..at + 3].to_vec(), l[at + 3..].to_vec())
    };
    let n = lines.len();
    match edit {
        Edit::FlipByte(i, x) => {
            if !bytes.is_empty() {
                let i = i.index(bytes.len());
                bytes[i] ^= x;
            }
            return;
        }
        Edit::Truncate(i) => {
            let i = i.index(bytes.len() + 1);
            bytes.truncate(i);
            return;
        }
        Edit::DeleteLine(i) => {
            lines.remove(i.index(n));
        }
        Edit::DuplicateLine(i) => {
            let i = i.index(n);
            let line = lines[i].clone();
            lines.insert(i, line);
        }
        Edit::SwapLines(a, b) => lines.swap(a.index(n), b.index(n)),
        Edit::SwapValues(a, b) if !assignments.is_empty() => {
            let (a, b) = (
                assignments[a.index(assignments.len())],
                assignments[b.index(assignments.len())],
            );
            let ((ka, va), (kb, vb)) = (split(&lines[a]), split(&lines[b]));
            lines[a] = [ka, vb].concat();
            lines[b] = [kb, va].concat();
        }
        Edit::SetValue(i, v) if !assignments.is_empty() => {
            let i = assignments[i.index(assignments.len())];
            let (k, _) = split(&lines[i]);
            lines[i] = [k, v.as_bytes().to_vec()].concat();
        }
        Edit::InsertLine(i, l) => lines.insert(i.index(n + 1), l.as_bytes().to_vec()),
        _ => {}
    }
    *bytes = lines.join(&b'\n');
}

#[test]
fn fuzz_catalogue_files() {
    let scratch = Scratch::new("catalog");
    let original = load(&scratch.dir).expect("the copy loads").version;
    let strategy = (any::<Index>(), prop::collection::vec(edit(), 1..4));
    let tally = Tally::default();
    fuzz("catalog_files", 800, strategy, |(file, edits)| {
        let (rel, before) = &scratch.files[file.index(scratch.files.len())];
        let path = scratch.dir.join(rel);
        let mut bytes = before.clone();
        for e in &edits {
            apply_edit(&mut bytes, e);
        }
        std::fs::write(&path, &bytes).unwrap();
        let loaded = std::panic::catch_unwind(|| load(&scratch.dir));
        std::fs::write(&path, before).unwrap();
        let loaded = match loaded {
            Ok(loaded) => loaded,
            Err(_) => return Err(TestCaseError::fail(format!("load panicked on {rel:?}"))),
        };
        match loaded {
            Ok(l) => {
                tally.add("loaded");
                // Loaded means valid: every rule holds and every subject works; the version
                // changes exactly when the bytes did.
                prop_assert!(l.catalog.problems().is_empty());
                prop_assert_eq!(l.version == original, &bytes == before);
                check_every_subject(&l.catalog)?;
            }
            Err(e) => {
                tally.add(if e.line.is_some() {
                    "refused_at_line"
                } else {
                    "refused"
                });
                // A clear error: the file (inside the catalogue), and a line it has.
                let message = e.to_string();
                prop_assert!(!e.message.trim().is_empty(), "{}", message);
                prop_assert!(e.file.starts_with(&scratch.dir), "{}", message);
                if let Some(line) = e.line {
                    // The file as it was loaded (the damaged one is already restored).
                    let text = if e.file == path {
                        bytes.clone()
                    } else {
                        std::fs::read(&e.file).unwrap_or_default()
                    };
                    let lines = text.split(|&b| b == b'\n').count();
                    prop_assert!(line >= 1 && line <= lines, "{} ({} lines)", message, lines);
                }
            }
        }
        Ok(())
    });
    tally.print("catalog_files");
}

// ---------------------------------------------------------------------------------------------
// Catalogue rules on catalogues broken in memory

/// One rule broken on purpose in the real catalogue.
#[derive(Debug, Clone)]
enum Plant {
    RemoveMaterial(Index),
    RemoveField(Index),
    RemoveMatter(Index),
    RemoveDepartment(Index),
    DuplicateMatter(Index),
    PromiseOverLegal(Index, u32),
    Trips(Index, u8),
    OneMember(Index),
    RepeatMember(Index, Index),
    NoCopies(Index, Index),
    NoFileTypes(Index),
    Recode(Index, String),
    /// Not a rule: a random condition on a member, which must not crash the checks.
    Condition(Index, Index, String),
}

/// Words of conditions, to make ones that parse as well as ones that do not.
const CONDITION_WORDS: &[&str] = &[
    "a",
    "b",
    "has_employees",
    "not",
    "and",
    "or",
    " ",
    "(",
    ")",
    "_",
];

/// A random condition put on a random member.
fn condition_plant() -> impl Strategy<Value = Plant> {
    let text = prop_oneof![
        any::<String>(),
        prop::collection::vec(select(CONDITION_WORDS), 0..8).prop_map(|v| v.join(" ")),
    ];
    (any::<Index>(), any::<Index>(), text).prop_map(|(b, m, c)| Plant::Condition(b, m, c))
}

fn plant() -> impl Strategy<Value = Plant> {
    let i = any::<Index>;
    prop_oneof![
        i().prop_map(Plant::RemoveMaterial),
        i().prop_map(Plant::RemoveField),
        i().prop_map(Plant::RemoveMatter),
        i().prop_map(Plant::RemoveDepartment),
        i().prop_map(Plant::DuplicateMatter),
        (i(), 1u32..1000).prop_map(|(m, n)| Plant::PromiseOverLegal(m, n)),
        (i(), 2u8..=255).prop_map(|(m, n)| Plant::Trips(m, n)),
        i().prop_map(Plant::OneMember),
        (i(), i()).prop_map(|(b, m)| Plant::RepeatMember(b, m)),
        (i(), i()).prop_map(|(m, u)| Plant::NoCopies(m, u)),
        i().prop_map(Plant::NoFileTypes),
        (i(), any::<String>()).prop_map(|(m, s)| Plant::Recode(m, s)),
        condition_plant(),
    ]
}

/// Break `catalog` as planted; returns the subject and the problem that must be reported.
fn break_catalog(c: &mut Catalog, plant: &Plant) -> Option<(String, Problem)> {
    let pick = |i: &Index, n: usize| i.index(n);
    match plant {
        Plant::RemoveMaterial(i) => {
            let used: Vec<(String, String)> = c
                .matters
                .iter()
                .flat_map(|m| m.materials.iter().map(|u| (m.code.clone(), u.key.clone())))
                .collect();
            let (matter, key) = used[pick(i, used.len())].clone();
            c.materials.retain(|d| d.key != key);
            Some((matter, Problem::UnknownMaterial(key)))
        }
        Plant::RemoveField(i) => {
            let used: Vec<(String, String)> = c
                .matters
                .iter()
                .flat_map(|m| m.fields.iter().map(|u| (m.code.clone(), u.key.clone())))
                .collect();
            let (matter, key) = used[pick(i, used.len())].clone();
            c.fields.retain(|d| d.key != key);
            Some((matter, Problem::UnknownField(key)))
        }
        Plant::RemoveMatter(i) => {
            let members: Vec<(String, String)> = c
                .bundles
                .iter()
                .flat_map(|b| b.members.iter().map(|m| (b.code.clone(), m.matter.clone())))
                .collect();
            let (bundle, matter) = members[pick(i, members.len())].clone();
            c.matters.retain(|m| m.code != matter);
            Some((bundle, Problem::UnknownMatter(matter)))
        }
        Plant::RemoveDepartment(i) => {
            let m = &c.matters[pick(i, c.matters.len())];
            let (code, department) = (m.code.clone(), m.department.clone());
            c.departments.retain(|d| d.code != department);
            Some((code, Problem::UnknownDepartment(department)))
        }
        Plant::DuplicateMatter(i) => {
            let m = c.matters[pick(i, c.matters.len())].clone();
            let code = m.code.clone();
            c.matters.push(m);
            Some((code, Problem::DuplicateCode))
        }
        Plant::PromiseOverLegal(i, n) => {
            let count = c.matters.len();
            let m = &mut c.matters[pick(i, count)];
            m.promised_days = m.legal_days + n;
            let problem = Problem::PromiseExceedsLegalLimit {
                promised: m.promised_days,
                legal: m.legal_days,
            };
            Some((m.code.clone(), problem))
        }
        Plant::Trips(i, n) => {
            let count = c.matters.len();
            let m = &mut c.matters[pick(i, count)];
            m.trips = *n;
            Some((m.code.clone(), Problem::TripsOutOfRange(*n)))
        }
        Plant::OneMember(i) => {
            let n = c.bundles.len();
            let b = &mut c.bundles[pick(i, n)];
            b.members.truncate(1);
            Some((b.code.clone(), Problem::EmptyBundle))
        }
        Plant::RepeatMember(i, j) => {
            let n = c.bundles.len();
            let b = &mut c.bundles[pick(i, n)];
            let mut m = b.members[pick(j, b.members.len())].clone();
            m.after.clear();
            let matter = m.matter.clone();
            b.members.push(m);
            Some((b.code.clone(), Problem::RepeatedMember(matter)))
        }
        Plant::NoCopies(i, j) => {
            let count = c.matters.len();
            let m = &mut c.matters[pick(i, count)];
            let k = pick(j, m.materials.len());
            let u = &mut m.materials[k];
            u.copies = 0;
            Some((m.code.clone(), Problem::NoCopies(u.key.clone())))
        }
        Plant::NoFileTypes(i) => {
            let n = c.materials.len();
            let d = &mut c.materials[pick(i, n)];
            d.types.clear();
            Some((d.key.clone(), Problem::NoFileTypes(d.key.clone())))
        }
        Plant::Recode(i, code) => {
            let count = c.matters.len();
            let m = &mut c.matters[pick(i, count)];
            m.code = code.clone();
            (!is_code(code)).then(|| (code.clone(), Problem::BadCode))
        }
        Plant::Condition(i, j, text) => {
            let n = c.bundles.len();
            let b = &mut c.bundles[pick(i, n)];
            let k = pick(j, b.members.len());
            b.members[k].when = onetrip_domain::catalog::Condition::parse(text).ok();
            None
        }
    }
}

#[test]
fn fuzz_catalogue_rules() {
    let tally = Tally::default();
    let noise = prop::option::of(condition_plant());
    fuzz("catalog_rules", 1000, (plant(), noise), |(plant, noise)| {
        let mut c = real().clone();
        let planted = break_catalog(&mut c, &plant);
        tally.add(if planted.is_some() {
            "planted"
        } else {
            "noise_only"
        });
        if let Some(noise) = &noise {
            break_catalog(&mut c, noise);
        }
        let problems = std::panic::catch_unwind(|| c.problems())
            .map_err(|_| TestCaseError::fail("problems() panicked"))?;
        for p in &problems {
            prop_assert!(!p.to_string().is_empty());
        }
        // The planted problem is reported, for the entry it was planted in.
        if let Some((subject, problem)) = &planted {
            let found = problems
                .iter()
                .any(|p| &p.subject == subject && &p.problem == problem);
            prop_assert!(
                found,
                "planted `{}`: {:?} not reported in {:?}",
                subject,
                problem,
                problems
            );
        }
        if problems.is_empty() {
            tally.add("still_valid");
            check_every_subject(&c)?;
        }
        Ok(())
    });
    tally.print("catalog_rules");
}

// ---------------------------------------------------------------------------------------------
// The merge engine over the real catalogue

/// Every flag an answer can set, in the order the catalogue names them.
fn all_flags(c: &Catalog) -> Vec<String> {
    let questions = c
        .matters
        .iter()
        .flat_map(|m| &m.questions)
        .chain(c.bundles.iter().flat_map(|b| &b.questions));
    let mut flags: Vec<String> = Vec::new();
    for q in questions {
        for f in q.options.iter().flat_map(|o| &o.sets) {
            if !flags.contains(f) {
                flags.push(f.clone());
            }
        }
    }
    flags
}

/// The uses of `matters` whose conditions hold, in order.
fn uses_of<'a, U>(
    matters: &[&'a Matter],
    of: impl Fn(&'a Matter) -> Vec<(&'a U, Option<&'a onetrip_domain::catalog::Condition>)>,
    flags: &BTreeSet<String>,
) -> Vec<(&'a Matter, &'a U)> {
    matters
        .iter()
        .flat_map(|m| of(m).into_iter().map(move |(u, when)| (*m, u, when)))
        .filter(|(_, _, when)| holds(*when, flags))
        .map(|(m, u, _)| (m, u))
        .collect()
}

fn field_uses<'a>(
    matters: &[&'a Matter],
    flags: &BTreeSet<String>,
) -> Vec<(&'a Matter, &'a onetrip_domain::catalog::FieldUse)> {
    uses_of(
        matters,
        |m| m.fields.iter().map(|f| (f, f.when.as_ref())).collect(),
        flags,
    )
}

fn material_uses<'a>(
    matters: &[&'a Matter],
    flags: &BTreeSet<String>,
) -> Vec<(&'a Matter, &'a MaterialUse)> {
    uses_of(
        matters,
        |m| m.materials.iter().map(|u| (u, u.when.as_ref())).collect(),
        flags,
    )
}

/// Keys in order of first appearance, each once.
fn first_seen<'a>(keys: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for k in keys {
        if !out.contains(&k) {
            out.push(k);
        }
    }
    out
}

/// The merged fields of `uses`, checked against the rules of `merge.rs` rule by rule.
fn check_merge_fields(
    c: &Catalog,
    uses: &[(&Matter, &onetrip_domain::catalog::FieldUse)],
    must_merge: bool,
) -> Result<(), TestCaseError> {
    let known: Vec<_> = uses
        .iter()
        .filter(|(_, u)| c.field(&u.key).is_some())
        .collect();
    let keys = first_seen(known.iter().map(|(_, u)| u.key.as_str()));
    // What each key must become, from its uses.
    let mut want = Vec::new();
    for key in &keys {
        let def = c.field(key).unwrap();
        let of_key: Vec<_> = known.iter().filter(|(_, u)| u.key == *key).collect();
        let min = of_key.iter().filter_map(|(_, u)| u.min).max();
        let max = of_key.iter().filter_map(|(_, u)| u.max).min();
        let options: Vec<&str> = def
            .options
            .iter()
            .map(|o| o.value.as_str())
            .filter(|v| {
                of_key
                    .iter()
                    .all(|(_, u)| u.options.as_ref().is_none_or(|a| a.iter().any(|x| x == v)))
            })
            .collect();
        let conflict = (def.kind == FieldKind::Choice && options.is_empty())
            || matches!((min, max), (Some(a), Some(b)) if a > b);
        let departments = first_seen(of_key.iter().map(|(m, _)| m.department.as_str()));
        let required = of_key.iter().any(|(_, u)| u.required);
        want.push((key, min, max, options, conflict, departments, required));
    }
    match merge_fields(c, uses.iter().copied()) {
        Ok(merged) => {
            let got: Vec<&str> = merged.iter().map(|f| f.key.as_str()).collect();
            prop_assert_eq!(&got, &keys, "each field once, in order");
            for (f, (_, min, max, options, conflict, departments, required)) in
                merged.iter().zip(&want)
            {
                prop_assert!(!conflict, "{} merged despite a conflict", f.key);
                prop_assert_eq!(f.min, *min, "{}", f.key);
                prop_assert_eq!(f.max, *max, "{}", f.key);
                prop_assert_eq!(f.required, *required, "{}", f.key);
                let values: Vec<&str> = f.options.iter().map(|o| o.value.as_str()).collect();
                prop_assert_eq!(&values, options, "{}", f.key);
                prop_assert_eq!(&f.departments, departments, "{}", f.key);
            }
        }
        Err(conflicts) => {
            prop_assert!(!must_merge, "a bundle's fields conflict: {:?}", conflicts);
            let got: BTreeSet<&str> = conflicts
                .iter()
                .map(|c| match c {
                    Conflict::NoCommonOption(k) | Conflict::MinAboveMax(k) => k.as_str(),
                })
                .collect();
            let real: BTreeSet<&str> = want.iter().filter(|w| w.4).map(|w| *w.0).collect();
            prop_assert_eq!(got, real);
        }
    }
    Ok(())
}

/// The merged materials of `uses`, checked against the rules of `merge_materials`.
fn check_merge_materials(
    c: &Catalog,
    uses: &[(&Matter, &MaterialUse)],
) -> Result<(), TestCaseError> {
    let merged = onetrip_domain::catalog::checklist::merge_materials(c, uses.iter().copied());
    let known: Vec<_> = uses
        .iter()
        .filter(|(_, u)| c.material(&u.key).is_some())
        .collect();
    let keys = first_seen(known.iter().map(|(_, u)| u.key.as_str()));
    let got: Vec<&str> = merged.iter().map(|m| m.key.as_str()).collect();
    prop_assert_eq!(&got, &keys, "each material once, in order");
    for line in &merged {
        let of_key: Vec<&MaterialUse> = known
            .iter()
            .filter(|(_, u)| u.key == line.key)
            .map(|(_, u)| *u)
            .collect();
        let asked: Vec<(Need, Option<u32>)> = of_key
            .iter()
            .filter(|u| u.supply != Supply::Shared)
            .map(|u| match (u.required, u.deferrable_days) {
                (false, _) => (Need::Optional, None),
                (true, None) => (Need::Critical, None),
                (true, Some(d)) => (Need::Deferrable, Some(d)),
            })
            .collect();
        let need = asked.iter().map(|a| a.0).min().unwrap_or(Need::Shared);
        let days = (need == Need::Deferrable)
            .then(|| asked.iter().filter_map(|a| a.1).min())
            .flatten();
        prop_assert_eq!(line.need, need, "{}", line.key);
        prop_assert_eq!(line.deferrable_days, days, "{}", line.key);
        prop_assert_eq!(Some(line.copies), of_key.iter().map(|u| u.copies).max());
        prop_assert_eq!(Some(line.supply), of_key.iter().map(|u| u.supply).max());
        prop_assert_eq!(line.conditional, of_key.iter().all(|u| u.when.is_some()));
        // A material any use requires (and the government does not already hold) is asked for.
        if of_key
            .iter()
            .any(|u| u.required && u.supply != Supply::Shared)
        {
            prop_assert!(matches!(line.need, Need::Critical | Need::Deferrable));
        }
    }
    Ok(())
}

#[test]
fn fuzz_merge_subsets() {
    let c = real();
    let flags = all_flags(c);
    let strategy = (any::<Index>(), any::<u64>(), any::<u64>(), any::<bool>());
    let tally = Tally::default();
    fuzz(
        "merge_subsets",
        4000,
        strategy,
        |(bundle, pick, set, anywhere)| {
            // Some of a bundle's members, or any matters at all.
            let matters: Vec<&Matter> = if anywhere {
                c.matters
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| pick >> (i % 64) & 1 == 1)
                    .map(|(_, m)| m)
                    .collect()
            } else {
                let b = &c.bundles[bundle.index(c.bundles.len())];
                c.bundle_matters(b)
                    .enumerate()
                    .filter(|(i, _)| pick >> (i % 64) & 1 == 1)
                    .map(|(_, m)| m)
                    .collect()
            };
            let flags: BTreeSet<String> = flags
                .iter()
                .enumerate()
                .filter(|(i, _)| set >> (i % 64) & 1 == 1)
                .map(|(_, f)| f.clone())
                .collect();
            tally.add(if anywhere {
                "any_matters"
            } else {
                "bundle_members"
            });
            if merge_fields(c, field_uses(&matters, &flags)).is_err() {
                tally.add("conflicts");
            }
            check_merge_fields(c, &field_uses(&matters, &flags), !anywhere)?;
            check_merge_materials(c, &material_uses(&matters, &flags))?;
            Ok(())
        },
    );
    tally.print("merge_subsets");
}

/// How to answer a questionnaire: an option for each question as it comes, then some noise.
#[derive(Debug, Clone)]
struct Answering {
    subject: Index,
    bundle: bool,
    choices: Vec<Index>,
    noise: Vec<Noise>,
}

#[derive(Debug, Clone)]
enum Noise {
    /// A question of the catalogue (maybe another subject's) with one of its values.
    Foreign(Index, Index),
    /// An answer changed to a value no option has.
    Garbage(Index, String),
    Drop(Index),
    UnknownKey(String),
    UnknownSubject(String),
}

fn answering() -> impl Strategy<Value = Answering> {
    let noise = prop_oneof![
        (any::<Index>(), any::<Index>()).prop_map(|(q, o)| Noise::Foreign(q, o)),
        (any::<Index>(), any::<String>()).prop_map(|(q, v)| Noise::Garbage(q, v)),
        any::<Index>().prop_map(Noise::Drop),
        any::<String>().prop_map(Noise::UnknownKey),
        "[a-z-]{0,12}".prop_map(Noise::UnknownSubject),
    ];
    (
        any::<Index>(),
        any::<bool>(),
        prop::collection::vec(any::<Index>(), 0..24),
        prop_oneof![
            2 => Just(Vec::new()),
            1 => prop::collection::vec(noise, 1..3),
        ],
    )
        .prop_map(|(subject, bundle, choices, noise)| Answering {
            subject,
            bundle,
            choices,
            noise,
        })
}

#[test]
fn fuzz_merge_answers() {
    let c = real();
    let all_questions: Vec<_> = c
        .matters
        .iter()
        .flat_map(|m| &m.questions)
        .chain(c.bundles.iter().flat_map(|b| &b.questions))
        .collect();
    let tally = Tally::default();
    fuzz("merge_answers", 4000, answering(), |a| {
        let mut subject = if a.bundle {
            Subject::Bundle(c.bundles[a.subject.index(c.bundles.len())].code.clone())
        } else {
            Subject::Matter(c.matters[a.subject.index(c.matters.len())].code.clone())
        };
        let questions = questions_for(c, &subject).expect("a known subject");
        // Walk the questions, answering each with the option chosen for it.
        let mut answers = Answers::new();
        let mut choices = a.choices.iter().cycle();
        for _ in 0..=questions.len() {
            let w =
                walk(&questions, &answers).map_err(|p| TestCaseError::fail(format!("{p:?}")))?;
            let Some(next) = w.next else { break };
            let q = &questions[next].question;
            let i = choices.next().map_or(0, |i| i.index(q.options.len()));
            answers.insert(q.key.clone(), q.options[i].value.clone());
        }
        let flags = complete(&questions, &answers);
        prop_assert!(flags.is_ok(), "a walk's answers are complete: {:?}", flags);
        let flags = flags.unwrap();
        prop_assert_eq!(&prune(&questions, &answers), &answers);

        if a.noise.is_empty() {
            tally.add("complete_answers");
            let list = checklist(c, &subject, &answers);
            let form = merged_form(c, &subject, &answers);
            prop_assert!(list.is_ok() && form.is_ok(), "{:?} {:?}", list, form);
            let (list, form) = (list.unwrap(), form.unwrap());
            // The matters that apply: the members whose condition holds.
            let matters: Vec<&Matter> = match &subject {
                Subject::Bundle(code) => c
                    .bundle(code)
                    .unwrap()
                    .members
                    .iter()
                    .filter(|m| holds(m.when.as_ref(), &flags))
                    .filter_map(|m| c.matter(&m.matter))
                    .collect(),
                Subject::Matter(code) => vec![c.matter(code).unwrap()],
            };
            let codes: Vec<&str> = matters.iter().map(|m| m.code.as_str()).collect();
            let listed: Vec<&str> = list.matters.iter().map(|m| m.code.as_str()).collect();
            prop_assert_eq!(&listed, &codes);
            // Each field and material once, and every one a matter that applies asks for.
            let fields = field_uses(&matters, &flags);
            check_merge_fields(c, &fields, true)?;
            let want: Vec<&str> = first_seen(fields.iter().map(|(_, u)| u.key.as_str()));
            let got: Vec<&str> = form.iter().map(|f| f.key.as_str()).collect();
            prop_assert_eq!(&got, &want);
            for (_, u) in &fields {
                let f = form.iter().find(|f| f.key == u.key).unwrap();
                prop_assert!(f.required || !u.required, "{} must be required", u.key);
            }
            let materials = material_uses(&matters, &flags);
            check_merge_materials(c, &materials)?;
            let want: Vec<&str> = first_seen(materials.iter().map(|(_, u)| u.key.as_str()));
            let got: Vec<&str> = list.materials.iter().map(|m| m.key.as_str()).collect();
            prop_assert_eq!(&got, &want);
            prop_assert!(list.materials.iter().all(|m| !m.conditional));
            let trips = matters.iter().map(|m| m.trips).max().unwrap_or(0);
            prop_assert_eq!(list.trips, trips);
            let longest = matters.iter().map(|m| m.promised_days).max().unwrap_or(0);
            prop_assert!(list.promised_days >= longest);
            let sum: u32 = matters.iter().map(|m| m.promised_days).sum();
            prop_assert!(list.promised_days <= sum);
            prop_assert_eq!(list.answers.len(), answers.len());
            return Ok(());
        }

        // Noise: whatever the answers, nothing panics and every function agrees.
        for n in &a.noise {
            let keys: Vec<String> = answers.keys().cloned().collect();
            match n {
                Noise::Foreign(q, o) => {
                    let q = all_questions[q.index(all_questions.len())];
                    let v = q.options[o.index(q.options.len())].value.clone();
                    answers.insert(q.key.clone(), v);
                }
                Noise::Garbage(i, v) if !keys.is_empty() => {
                    answers.insert(keys[i.index(keys.len())].clone(), v.clone());
                }
                Noise::Drop(i) if !keys.is_empty() => {
                    answers.remove(&keys[i.index(keys.len())]);
                }
                Noise::UnknownKey(k) => {
                    answers.insert(k.clone(), "yes".to_owned());
                }
                Noise::UnknownSubject(code) if c.matter(code).is_none() => {
                    subject = Subject::Matter(code.clone());
                }
                _ => {}
            }
        }
        let questions = questions_for(c, &subject).unwrap_or_default();
        let done = complete(&questions, &answers);
        let list = checklist(c, &subject, &answers);
        let form = merged_form(c, &subject, &answers);
        let _ = walk(&questions, &answers);
        let known = questions_for(c, &subject).is_some();
        tally.add(match (known, done.is_ok()) {
            (false, _) => "unknown_subject",
            (true, true) => "noise_still_complete",
            (true, false) => "noise_refused",
        });
        if known {
            prop_assert_eq!(done.is_ok(), list.is_ok());
            prop_assert_eq!(done.is_ok(), form.is_ok());
            if let (Err(a), Err(b)) = (&done, &list) {
                prop_assert_eq!(a, b);
            }
        } else {
            let code = |r: &Result<_, Vec<onetrip_domain::validation::FieldProblem>>| {
                r.as_ref().err().map(|p| p[0].code.clone())
            };
            prop_assert_eq!(code(&list.map(|_| ())), Some("subject.unknown".to_owned()));
            prop_assert_eq!(code(&form.map(|_| ())), Some("subject.unknown".to_owned()));
        }
        // Pruning keeps only given answers, and pruning twice changes nothing more.
        let pruned = prune(&questions, &answers);
        prop_assert!(pruned.iter().all(|(k, v)| answers.get(k) == Some(v)));
        prop_assert_eq!(&prune(&questions, &pruned), &pruned);
        if done.is_ok() {
            prop_assert_eq!(&pruned, &answers);
        }
        Ok(())
    });
    tally.print("merge_answers");
}

// ---------------------------------------------------------------------------------------------
// The upload pipeline on real files, damaged

/// Actions a viewer runs: a PDF naming any of them anywhere, even in an object no parser can
/// place, must be refused. (Short names are looked for only in parsed objects: in compressed
/// data they occur by chance.)
const ACTIONS: &[&[u8]] = &[
    b"JavaScript",
    b"Launch",
    b"SubmitForm",
    b"ImportData",
    b"EmbeddedFile",
    b"EmbeddedFiles",
    b"RichMedia",
    b"GoToE",
];
/// Every name that makes a parsed object active.
const ACTIVE: &[&[u8]] = &[
    b"JavaScript",
    b"JS",
    b"Launch",
    b"SubmitForm",
    b"ImportData",
    b"EmbeddedFile",
    b"EmbeddedFiles",
    b"RichMedia",
    b"XFA",
    b"AA",
    b"GoToE",
];

/// Written into EXIF, text chunks and appended data: must never survive re-encoding.
const SECRET: &[u8] = b"GPS-31.2304N-121.4737E-onetrip";

fn pdf_delimiter(b: u8) -> bool {
    b.is_ascii_whitespace()
        || b == 0
        || matches!(
            b,
            b'/' | b'[' | b']' | b'<' | b'>' | b'(' | b')' | b'{' | b'}' | b'%'
        )
}

/// Every PDF name in `bytes` (with `#xx` escapes decoded) checked against `wanted`.
fn names_in(bytes: &[u8], wanted: &[&[u8]]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'/' {
            i += 1;
            continue;
        }
        let mut name = Vec::new();
        let mut j = i + 1;
        while j < bytes.len() && !pdf_delimiter(bytes[j]) {
            let hex = bytes.get(j + 1..j + 3).and_then(|h| {
                std::str::from_utf8(h)
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
            });
            match (bytes[j], hex) {
                (b'#', Some(b)) => {
                    name.push(b);
                    j += 3;
                }
                (b, _) => {
                    name.push(b);
                    j += 1;
                }
            }
        }
        if wanted.contains(&name.as_slice()) {
            return true;
        }
        i = j.max(i + 1);
    }
    false
}

/// Whether a parsed object (keys, values, nested, object streams' content) names an action.
fn object_active(o: &lopdf::Object, depth: usize) -> bool {
    use lopdf::Object;
    let dict = |d: &lopdf::Dictionary| {
        d.iter()
            .any(|(k, v)| ACTIVE.contains(&k.as_slice()) || object_active(v, depth + 1))
    };
    depth < 200
        && match o {
            Object::Name(n) => ACTIVE.contains(&n.as_slice()),
            Object::Array(items) => items.iter().any(|i| object_active(i, depth + 1)),
            Object::Dictionary(d) => dict(d),
            Object::Stream(s) => {
                let objects = s.dict.has_type(b"ObjStm")
                    && s.decompressed_content().is_ok_and(|c| names_in(&c, ACTIVE));
                dict(&s.dict) || objects
            }
            _ => false,
        }
}

/// What a viewer that repairs damaged files may run: an action named anywhere in the bytes, or
/// in any object found by scanning the file for `N G obj` (whatever its cross-reference table
/// says).
fn viewer_active(bytes: &[u8]) -> bool {
    if names_in(bytes, ACTIONS) {
        return true;
    }
    let options = lopdf::LoadOptions {
        force_reconstruct: true,
        ..Default::default()
    };
    lopdf::Document::load_mem_with_options(bytes, options)
        .is_ok_and(|doc| doc.objects.values().any(|o| object_active(o, 0)))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// Where a PDF carries active content, if it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Active {
    None,
    OpenActionJs,
    /// `/J#61vaScript`: the name escaped.
    Escaped,
    /// An additional action on a page.
    PageAa,
    NamedJavaScript,
    Launch,
    EmbeddedFiles,
    SubmitForm,
    Xfa,
    /// The JavaScript action inside a compressed object stream.
    InObjectStream,
}

const ACTIVES: &[Active] = &[
    Active::None,
    Active::OpenActionJs,
    Active::Escaped,
    Active::PageAa,
    Active::NamedJavaScript,
    Active::Launch,
    Active::EmbeddedFiles,
    Active::SubmitForm,
    Active::Xfa,
    Active::InObjectStream,
];

/// A PDF of `pages` pages (each with a small content stream, compressed or not) carrying
/// `active`.
fn pdf_file(pages: usize, compress: bool, active: Active) -> Vec<u8> {
    let js = "<< /S /JavaScript /JS (app.alert\\(1\\)) >>";
    let mut objects: Vec<Vec<u8>> = Vec::new();
    // 1: catalog, 2: pages, 3: the extra object, 4..: a page and its content each.
    let hidden = format!("/OpenAction {} 0 R", 4 + 2 * pages);
    let catalog_extra = match active {
        Active::OpenActionJs | Active::Escaped => "/OpenAction 3 0 R",
        Active::InObjectStream => &hidden,
        Active::NamedJavaScript => "/Names << /JavaScript 3 0 R >>",
        Active::Launch => "/OpenAction << /S /Launch /F (calc.exe) >>",
        Active::EmbeddedFiles => "/Names << /EmbeddedFiles << /Names [] >> >>",
        Active::SubmitForm => "/OpenAction << /S /SubmitForm /F (https://example.invalid/) >>",
        Active::Xfa => "/AcroForm << /Fields [] /XFA 3 0 R >>",
        Active::None | Active::PageAa => "",
    };
    objects.push(format!("<< /Type /Catalog /Pages 2 0 R {catalog_extra} >>").into_bytes());
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", 4 + 2 * i)).collect();
    objects.push(
        format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            kids.join(" ")
        )
        .into_bytes(),
    );
    objects.push(match active {
        Active::OpenActionJs => js.as_bytes().to_vec(),
        Active::Escaped => b"<< /S /J#61vaScript /JS (app.alert\\(1\\)) >>".to_vec(),
        Active::NamedJavaScript => format!("<< /Names [(a) {js}] >>").into_bytes(),
        Active::InObjectStream => {
            // Object 3 is an object stream holding the action, numbered after the pages.
            let header = format!("{} 0 ", 4 + 2 * pages);
            let mut content = header.clone().into_bytes();
            content.extend_from_slice(js.as_bytes());
            content.extend_from_slice(&[b' '; 200]);
            stream(
                &format!(
                    "/Type /ObjStm /N 1 /First {} /Filter /FlateDecode",
                    header.len()
                ),
                &deflate(&content),
            )
        }
        _ => b"<< >>".to_vec(),
    });
    for i in 0..pages {
        let aa = if active == Active::PageAa {
            format!("/AA << /O {js} >>")
        } else {
            String::new()
        };
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {} 0 R {aa} >>",
                5 + 2 * i
            )
            .into_bytes(),
        );
        let drawing = format!("{} 0 0 RG 10 10 m 500 {} l S", i % 2, 100 + i);
        objects.push(if compress {
            stream("/Filter /FlateDecode", &deflate(drawing.as_bytes()))
        } else {
            stream("", drawing.as_bytes())
        });
    }
    let mut out = b"%PDF-1.5\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    let size = objects.len() + 1;
    out.extend_from_slice(format!("xref\n0 {size}\n0000000000 65535 f \n").as_bytes());
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {size} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    out
}

fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}

/// A JPEG with an EXIF segment (orientation `orientation`, then the secret) after its SOI.
fn jpeg_file(w: u32, h: u32, seed: u8, orientation: u16, quality: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x * 7) as u8 ^ seed, (y * 5) as u8, seed.wrapping_mul(3)])
    });
    let mut plain = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, quality)
        .encode_image(&img)
        .unwrap();
    // TIFF header (big-endian), one IFD entry: Orientation, SHORT, 1 value.
    let mut exif = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01".to_vec();
    exif.extend_from_slice(&orientation.to_be_bytes());
    exif.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    exif.extend_from_slice(SECRET);
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&(exif.len() as u16 + 2).to_be_bytes());
    out.extend_from_slice(&exif);
    out.extend_from_slice(&plain[2..]);
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A PNG with a text chunk holding the secret after its IHDR.
fn png_file(w: u32, h: u32, seed: u8, alpha: bool) -> Vec<u8> {
    let img = image::RgbaImage::from_fn(w, h, |x, y| {
        image::Rgba([(x * 3) as u8, (y * 11) as u8 ^ seed, seed, (x + y) as u8])
    });
    let img = if alpha {
        image::DynamicImage::ImageRgba8(img)
    } else {
        image::DynamicImage::ImageRgb8(image::DynamicImage::ImageRgba8(img).into_rgb8())
    };
    let mut plain = Vec::new();
    img.write_to(
        &mut std::io::Cursor::new(&mut plain),
        image::ImageFormat::Png,
    )
    .unwrap();
    // Signature (8) and IHDR (4 + 4 + 13 + 4).
    let mut out = plain[..33].to_vec();
    let mut chunk = b"tEXt".to_vec();
    chunk.extend_from_slice(b"Comment\0");
    chunk.extend_from_slice(SECRET);
    out.extend_from_slice(&((chunk.len() - 4) as u32).to_be_bytes());
    out.extend_from_slice(&chunk);
    out.extend_from_slice(&crc32(&chunk).to_be_bytes());
    out.extend_from_slice(&plain[33..]);
    out
}

/// One change to a file's bytes.
#[derive(Debug, Clone)]
enum Damage {
    Flip(Index, u8),
    Truncate(Index),
    Append(Vec<u8>),
    Insert(Index, Vec<u8>),
    Delete(Index, u8),
    Duplicate(Index, u8, Index),
}

fn damage() -> impl Strategy<Value = Damage> {
    let some_bytes = prop_oneof![
        prop::collection::vec(any::<u8>(), 1..40),
        Just([b"PK\x03\x04", SECRET].concat()),
    ];
    prop_oneof![
        4 => (any::<Index>(), 1u8..=255).prop_map(|(i, x)| Damage::Flip(i, x)),
        1 => any::<Index>().prop_map(Damage::Truncate),
        1 => some_bytes.clone().prop_map(Damage::Append),
        1 => (any::<Index>(), some_bytes).prop_map(|(i, b)| Damage::Insert(i, b)),
        1 => (any::<Index>(), any::<u8>()).prop_map(|(i, n)| Damage::Delete(i, n)),
        1 => (any::<Index>(), any::<u8>(), any::<Index>())
            .prop_map(|(i, n, to)| Damage::Duplicate(i, n, to)),
    ]
}

fn apply_damage(bytes: &mut Vec<u8>, damage: &[Damage]) {
    for d in damage {
        let len = bytes.len();
        match d {
            Damage::Flip(i, x) if len > 0 => bytes[i.index(len)] ^= x,
            Damage::Truncate(i) => bytes.truncate(i.index(len + 1)),
            Damage::Append(b) => bytes.extend_from_slice(b),
            Damage::Insert(i, b) => {
                let i = i.index(len + 1);
                bytes.splice(i..i, b.iter().copied());
            }
            Damage::Delete(i, n) if len > 0 => {
                let i = i.index(len);
                bytes.drain(i..(i + usize::from(*n)).min(len));
            }
            Damage::Duplicate(i, n, to) if len > 0 => {
                let i = i.index(len);
                let copy = bytes[i..(i + usize::from(*n)).min(len)].to_vec();
                let to = to.index(len + 1);
                bytes.splice(to..to, copy);
            }
            _ => {}
        }
    }
}

#[derive(Debug, Clone)]
enum Original {
    Jpeg {
        w: u32,
        h: u32,
        seed: u8,
        orientation: u16,
        quality: u8,
    },
    Png {
        w: u32,
        h: u32,
        seed: u8,
        alpha: bool,
    },
    Pdf {
        pages: usize,
        compress: bool,
        active: Active,
    },
    /// A small image whose header claims `w` x `h`.
    Claim { png: bool, w: u16, h: u16 },
}

/// A real 8 x 8 image with the dimensions in its header replaced.
fn claim_file(png: bool, w: u16, h: u16) -> Vec<u8> {
    let mut bytes = if png {
        png_file(8, 8, 1, false)
    } else {
        jpeg_file(8, 8, 1, 1, 80)
    };
    if png {
        bytes[16..20].copy_from_slice(&u32::from(w).to_be_bytes());
        bytes[20..24].copy_from_slice(&u32::from(h).to_be_bytes());
        let crc = crc32(&bytes[12..29]);
        bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    } else {
        let sof = find(&bytes, &[0xFF, 0xC0]).expect("a baseline frame header");
        bytes[sof + 5..sof + 7].copy_from_slice(&h.to_be_bytes());
        bytes[sof + 7..sof + 9].copy_from_slice(&w.to_be_bytes());
    }
    bytes
}

fn original() -> impl Strategy<Value = Original> {
    // Mostly small; now and then wider than MAX_SIDE, to be scaled down.
    let size = prop_oneof![
        4 => (1u32..48, 1u32..48),
        1 => (MAX_SIDE - 2..MAX_SIDE + 60, 1u32..6),
    ];
    prop_oneof![
        (size.clone(), any::<u8>(), 1u16..=8, 30u8..=95).prop_map(
            |((w, h), seed, orientation, quality)| Original::Jpeg {
                w,
                h,
                seed,
                orientation,
                quality
            }
        ),
        (size, any::<u8>(), any::<bool>()).prop_map(|((w, h), seed, alpha)| Original::Png {
            w,
            h,
            seed,
            alpha
        }),
        // Over the pixel limit (7072 x 7072 is just over 50 megapixels), or small.
        (
            any::<bool>(),
            prop_oneof![
                (7072u16..=u16::MAX, 7072u16..=u16::MAX),
                (1u16..600, 1u16..600)
            ],
        )
            .prop_map(|(png, (w, h))| Original::Claim { png, w, h }),
        (
            1usize..4,
            any::<bool>(),
            prop_oneof![2 => Just(Active::None), 1 => select(ACTIVES)],
        )
            .prop_map(|(pages, compress, active)| {
                Original::Pdf {
                    pages,
                    compress,
                    active,
                }
            }),
    ]
}

/// The upload as the route would check it: what the browser declared, what the material
/// allows, how many pages it takes.
#[derive(Debug, Clone)]
struct Upload {
    original: Original,
    damage: Vec<Damage>,
    declared: Option<Option<FileType>>,
    allowed: Vec<FileType>,
    max_pages: Option<u16>,
}

fn upload() -> impl Strategy<Value = Upload> {
    let file_type = select(&[FileType::Jpeg, FileType::Png, FileType::Pdf][..]);
    (
        original(),
        prop_oneof![
            1 => Just(Vec::new()),
            3 => prop::collection::vec(damage(), 1..4),
        ],
        // `None`: declared as what it is.
        prop_oneof![4 => Just(None), 1 => prop::option::of(file_type.clone()).prop_map(Some)],
        prop_oneof![
            4 => Just(vec![FileType::Jpeg, FileType::Png, FileType::Pdf]),
            1 => prop::collection::vec(file_type, 0..3),
        ],
        prop_oneof![2 => Just(None), 1 => (1u16..4).prop_map(Some)],
    )
        .prop_map(|(original, damage, declared, allowed, max_pages)| Upload {
            original,
            damage,
            declared,
            allowed,
            max_pages,
        })
}

#[test]
fn fuzz_upload_pipeline() {
    let tally = Tally::default();
    fuzz("upload_pipeline", 2000, upload(), |u| {
        let (mut bytes, kind) = match &u.original {
            Original::Jpeg {
                w,
                h,
                seed,
                orientation,
                quality,
            } => (
                jpeg_file(*w, *h, *seed, *orientation, *quality),
                FileType::Jpeg,
            ),
            Original::Png { w, h, seed, alpha } => (png_file(*w, *h, *seed, *alpha), FileType::Png),
            Original::Pdf {
                pages,
                compress,
                active,
            } => (pdf_file(*pages, *compress, *active), FileType::Pdf),
            Original::Claim { png, w, h } => (
                claim_file(*png, *w, *h),
                if *png { FileType::Png } else { FileType::Jpeg },
            ),
        };
        let intact = u.damage.is_empty();
        apply_damage(&mut bytes, &u.damage);
        // The browser's checks on the same bytes: never a panic.
        let sniffed = sniff(&bytes);
        let _ = (
            png_dimensions(&bytes),
            jpeg_dimensions(&bytes),
            pdf_page_count_hint(&bytes),
        );
        let declared = u.declared.unwrap_or(sniffed);
        let result = uploads::process(&bytes, declared, &u.allowed, u.max_pages);

        // The checks before decoding, in order.
        let early = if bytes.is_empty() {
            Some(Refused::Empty)
        } else if sniffed.is_none() {
            Some(Refused::TypeUnknown)
        } else if declared.is_some_and(|d| Some(d) != sniffed) {
            Some(Refused::TypeMismatch)
        } else if !sniffed.is_some_and(|t| u.allowed.contains(&t)) {
            Some(Refused::TypeNotAllowed)
        } else {
            None
        };
        if let Some(refused) = early {
            tally.add(refused.code());
        }
        if let Some(refused) = early {
            prop_assert_eq!(result, Err(refused));
            return Ok(());
        }
        let sniffed = sniffed.unwrap();
        if intact {
            prop_assert_eq!(sniffed, kind);
        }
        let p = match result {
            Ok(p) => p,
            // An intact file is refused only for its active content, its pages, or (claiming
            // a size its data does not have) its pixels.
            Err(refused) if intact => {
                tally.add(refused.code());
                let want = match &u.original {
                    Original::Claim { w, h, .. }
                        if u64::from(*w) * u64::from(*h) > uploads::MAX_PIXELS =>
                    {
                        Refused::TooManyPixels
                    }
                    Original::Claim { .. } => Refused::Undecodable,
                    Original::Pdf { active, .. } if *active != Active::None => {
                        Refused::ActiveContent
                    }
                    Original::Pdf { pages, .. }
                        if u.max_pages.is_some_and(|m| *pages > usize::from(m)) =>
                    {
                        Refused::TooManyPages
                    }
                    _ => return Err(TestCaseError::fail(format!("intact refused: {refused:?}"))),
                };
                prop_assert_eq!(refused, want);
                return Ok(());
            }
            Err(refused) => {
                tally.add(refused.code());
                return Ok(());
            }
        };
        // Accepted: really the type it was sniffed as, and clean.
        tally.add(match sniffed {
            FileType::Jpeg => "accepted_jpeg",
            FileType::Png => "accepted_png",
            FileType::Pdf => "accepted_pdf",
        });
        prop_assert_eq!(p.file_type, sniffed);
        prop_assert_eq!(sniff(&p.bytes), Some(sniffed));
        prop_assert_eq!(p.content_type, uploads::content_type(sniffed));
        match sniffed {
            FileType::Pdf => {
                prop_assert_eq!(&p.bytes, &bytes);
                prop_assert!(!viewer_active(&bytes), "active content accepted");
                let doc = lopdf::Document::load_mem(&p.bytes);
                prop_assert!(doc.is_ok(), "accepted but unreadable");
                let doc = doc.unwrap();
                let tree = doc.get_pages();
                // Every page there, and a page.
                for id in tree.values() {
                    let page = doc.get_dictionary(*id);
                    prop_assert!(page.is_ok(), "page {:?} missing", id);
                }
                let pages = tree.len() as u32;
                prop_assert!(pages >= 1);
                prop_assert_eq!(p.pages, Some(pages));
                if let Some(max) = u.max_pages {
                    prop_assert!(pages <= u32::from(max));
                }
            }
            image_type => {
                let format = match image_type {
                    FileType::Jpeg => image::ImageFormat::Jpeg,
                    _ => image::ImageFormat::Png,
                };
                let img = image::load_from_memory_with_format(&p.bytes, format);
                prop_assert!(img.is_ok(), "re-encoded image does not decode");
                let img = img.unwrap();
                prop_assert_eq!((p.width, p.height), (Some(img.width()), Some(img.height())));
                prop_assert!(img.width().max(img.height()) <= MAX_SIDE);
                prop_assert!(find(&p.bytes, SECRET).is_none(), "metadata survived");
                prop_assert!(find(&p.bytes, b"Exif").is_none(), "EXIF survived");
                if intact {
                    let (w, h) = match u.original {
                        Original::Jpeg {
                            w, h, orientation, ..
                        } if orientation >= 5 => (h, w),
                        Original::Jpeg { w, h, .. } | Original::Png { w, h, .. } => (w, h),
                        Original::Claim { w, h, .. } => (u32::from(w), u32::from(h)),
                        Original::Pdf { .. } => unreachable!(),
                    };
                    if w.max(h) <= MAX_SIDE {
                        prop_assert_eq!((img.width(), img.height()), (w, h));
                    }
                }
            }
        }
        Ok(())
    });
    tally.print("upload_pipeline");
}
