//! Loading the catalogue from `catalog/` at start. A bad catalogue stops the server with a
//! message naming the file, the line and the problem.

use std::path::{Path, PathBuf};

use onetrip_domain::bank::Bank;
use onetrip_domain::calendar::WorkCalendar;
use onetrip_domain::catalog::{
    Bundle, Catalog, CatalogProblem, Department, FieldDef, MaterialDef, Matter, SectionDef,
    Synonyms,
};
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// The catalogue in memory, with where each entry came from and a version hash.
#[derive(Debug, Clone)]
pub struct LoadedCatalog {
    pub catalog: Catalog,
    /// The working-day calendar (`calendar.toml`) that promised dates are counted on.
    pub calendar: WorkCalendar,
    /// The service halls, their windows and booking rules (`halls.toml`).
    pub halls: onetrip_domain::booking::Halls,
    /// First 16 hex characters of a SHA-256 over every file's name and bytes, in order.
    pub version: String,
}

#[derive(Debug, thiserror::Error)]
#[error("catalogue error in {}{}: {message}", file.display(), line.map(|l| format!(", line {l}")).unwrap_or_default())]
pub struct CatalogError {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DepartmentsFile {
    department: Vec<Department>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldsFile {
    #[serde(default)]
    field: Vec<FieldDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MaterialsFile {
    #[serde(default)]
    material: Vec<MaterialDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SynonymsFile {
    #[serde(default)]
    synonyms: Vec<Synonyms>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BanksFile {
    bank: Vec<Bank>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SectionsFile {
    section: Vec<SectionDef>,
}

fn read(path: &Path) -> Result<String, CatalogError> {
    std::fs::read_to_string(path).map_err(|e| CatalogError {
        file: path.to_owned(),
        line: None,
        message: e.to_string(),
    })
}

fn parse<T: serde::de::DeserializeOwned>(path: &Path, text: &str) -> Result<T, CatalogError> {
    toml::from_str(text).map_err(|e| CatalogError {
        file: path.to_owned(),
        line: e.span().map(|span| line_of(text, span.start)),
        message: e.message().to_owned(),
    })
}

/// The line (from 1) that byte `at` of `text` is on: one more than the line breaks before it.
/// Counting `lines()` instead is one short when `at` starts a line.
fn line_of(text: &str, at: usize) -> usize {
    let before = &text.as_bytes()[..at.min(text.len())];
    before.iter().filter(|&&b| b == b'\n').count() + 1
}

/// The `.toml` files of a folder, sorted by name so the version hash is stable.
fn toml_files(dir: &Path) -> Result<Vec<PathBuf>, CatalogError> {
    let entries = std::fs::read_dir(dir).map_err(|e| CatalogError {
        file: dir.to_owned(),
        line: None,
        message: e.to_string(),
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    Ok(files)
}

/// Where each entry of the catalogue was read from, to name the file in a problem.
fn source_of<'a>(sources: &'a [(String, PathBuf)], code: &str) -> Option<&'a PathBuf> {
    sources.iter().find(|(c, _)| c == code).map(|(_, p)| p)
}

/// Every entry of a folder (one per file), hashing each file and noting where each code came from.
fn load_folder<T: serde::de::DeserializeOwned>(
    dir: &Path,
    folder: &str,
    code_of: fn(&T) -> &str,
    hash_file: &mut impl FnMut(&Path, &str),
    sources: &mut Vec<(String, PathBuf)>,
) -> Result<Vec<T>, CatalogError> {
    let mut out = Vec::new();
    for path in toml_files(&dir.join(folder))? {
        let text = read(&path)?;
        hash_file(&path, &text);
        let entry: T = parse(&path, &text)?;
        sources.push((code_of(&entry).to_owned(), path));
        out.push(entry);
    }
    Ok(out)
}

/// The file an entry came from and the line that best shows the problem: the line naming what
/// is wrong (an unknown material, a repeated field) if there is one, else the entry's code.
fn locate(dir: &Path, sources: &[(String, PathBuf)], problem: &CatalogProblem) -> CatalogError {
    let file = source_of(sources, &problem.subject)
        .cloned()
        .unwrap_or_else(|| dir.to_owned());
    let text = std::fs::read_to_string(&file).unwrap_or_default();
    let find = |needle: &str| {
        let quoted = format!("\"{needle}\"");
        let start = text
            .lines()
            .position(|l| l.contains(&format!("\"{}\"", problem.subject)))
            .unwrap_or(0);
        text.lines()
            .enumerate()
            .skip(start)
            .find(|(_, l)| l.contains(&quoted))
            .map(|(i, _)| i + 1)
    };
    let line = problem
        .problem
        .detail()
        .and_then(find)
        .or_else(|| find(&problem.subject));
    CatalogError {
        file,
        line,
        message: problem.to_string(),
    }
}

/// A calendar problem, at the first line (not a comment) that shows the date or the year it
/// names.
fn calendar_error(file: PathBuf, text: &str, problem: String) -> CatalogError {
    let line = problem
        .split(' ')
        .map(|word| word.trim_end_matches(':'))
        .filter(|word| word.len() >= 4 && word.starts_with(|c: char| c.is_ascii_digit()))
        .find_map(|word| {
            text.lines()
                .position(|l| !l.trim_start().starts_with('#') && l.contains(word))
        })
        .map(|i| i + 1);
    CatalogError {
        file,
        line,
        message: problem,
    }
}

pub fn load(dir: &Path) -> Result<LoadedCatalog, CatalogError> {
    let mut hasher = Sha256::new();
    let mut hash_file = |path: &Path, text: &str| {
        hasher.update(
            path.strip_prefix(dir)
                .unwrap_or(path)
                .to_string_lossy()
                .as_bytes(),
        );
        hasher.update([0]);
        hasher.update(text.as_bytes());
    };
    let mut sources: Vec<(String, PathBuf)> = Vec::new();

    let mut single = |name: &str| -> Result<(PathBuf, String), CatalogError> {
        let path = dir.join(name);
        let text = read(&path)?;
        hash_file(&path, &text);
        Ok((path, text))
    };
    let (dept_path, text) = single("departments.toml")?;
    let departments = parse::<DepartmentsFile>(&dept_path, &text)?.department;
    let (fields_path, text) = single("fields.toml")?;
    let fields = parse::<FieldsFile>(&fields_path, &text)?.field;
    let (materials_path, text) = single("materials.toml")?;
    let materials = parse::<MaterialsFile>(&materials_path, &text)?.material;
    let (synonyms_path, text) = single("synonyms.toml")?;
    let synonyms = parse::<SynonymsFile>(&synonyms_path, &text)?.synonyms;
    let (calendar_path, text) = single("calendar.toml")?;
    let calendar = parse::<WorkCalendar>(&calendar_path, &text)?;
    if let Some(problem) = calendar.problems().into_iter().next() {
        return Err(calendar_error(calendar_path, &text, problem));
    }
    let (banks_path, text) = single("banks.toml")?;
    let banks = parse::<BanksFile>(&banks_path, &text)?.bank;
    for b in &banks {
        sources.push((b.code.clone(), banks_path.clone()));
        sources.extend(
            b.branches
                .iter()
                .map(|x| (x.code.clone(), banks_path.clone())),
        );
    }
    let (halls_path, halls_text) = single("halls.toml")?;
    let halls = parse::<onetrip_domain::booking::Halls>(&halls_path, &halls_text)?;
    let (sections_path, text) = single("sections.toml")?;
    let sections = parse::<SectionsFile>(&sections_path, &text)?.section;
    sources.extend(
        sections
            .iter()
            .map(|s| (s.key.clone(), sections_path.clone())),
    );
    sources.extend(
        departments
            .iter()
            .map(|d| (d.code.clone(), dept_path.clone())),
    );
    sources.extend(fields.iter().map(|f| (f.key.clone(), fields_path.clone())));
    sources.extend(
        materials
            .iter()
            .map(|m| (m.key.clone(), materials_path.clone())),
    );

    let matters: Vec<Matter> = load_folder(
        dir,
        "matters",
        |m: &Matter| &m.code,
        &mut hash_file,
        &mut sources,
    )?;
    let bundles: Vec<Bundle> = load_folder(
        dir,
        "bundles",
        |b: &Bundle| &b.code,
        &mut hash_file,
        &mut sources,
    )?;

    let catalog = Catalog {
        departments,
        fields,
        sections,
        materials,
        matters,
        bundles,
        synonyms,
        banks,
    };
    if let Some(problem) = catalog.problems().into_iter().next() {
        return Err(locate(dir, &sources, &problem));
    }
    // A hall books only the one trip of matters on the negative list.
    let trip_matter = |code: &str| catalog.matter(code).is_some_and(|m| m.trips > 0);
    if let Some(problem) = halls
        .halls
        .iter()
        .flat_map(|h| h.problems(trip_matter))
        .next()
    {
        return Err(CatalogError {
            file: halls_path,
            line: None,
            message: problem,
        });
    }
    let digest = hasher.finalize();
    let version = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    Ok(LoadedCatalog {
        catalog,
        calendar,
        halls,
        version,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo_catalog() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../catalog")
    }

    #[test]
    fn the_repository_catalogue_loads() {
        let loaded = load(&repo_catalog()).expect("catalog/ must load");
        assert!(loaded.catalog.matters.len() >= 3);
        assert!(!loaded.catalog.bundles.is_empty());
        assert_eq!(loaded.version.len(), 16);
        // Loading twice gives the same version.
        assert_eq!(load(&repo_catalog()).unwrap().version, loaded.version);
    }

    #[test]
    fn the_repository_calendar_loads() {
        let loaded = load(&repo_catalog()).expect("catalog/ must load");
        let years: Vec<i32> = loaded.calendar.years.iter().map(|y| y.year).collect();
        for year in [2025, 2026, 2027] {
            assert!(years.contains(&year), "{year} in {years:?}");
        }
        assert!(loaded.calendar.problems().is_empty());
        let start = "2026-02-13".parse().unwrap();
        assert_eq!(
            loaded.calendar.add_working_days(start, 3).date.to_string(),
            "2026-02-25"
        );
    }

    #[test]
    fn the_calendar_is_part_of_the_version() {
        let dir = std::env::temp_dir().join(format!("onetrip-cat-{}", uuid::Uuid::new_v4()));
        copy_dir(&repo_catalog(), &dir);
        let path = dir.join("calendar.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("{text}\n# edited\n")).unwrap();
        let edited = load(&dir).map(|l| l.version);
        let _ = std::fs::remove_dir_all(&dir);
        assert_ne!(edited.unwrap(), load(&repo_catalog()).unwrap().version);
    }

    fn broken_calendar(from: &str, to: &str) -> CatalogError {
        broken(|dir| {
            let path = dir.join("calendar.toml");
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(text.contains(from), "{from}");
            std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
        })
    }

    #[test]
    fn a_bad_calendar_is_refused() {
        // A syntax error names the file and the line.
        let err = broken_calendar("year = 2026", "year = = 2026");
        assert!(err.file.ends_with("calendar.toml"), "{err}");
        assert!(err.line.is_some(), "{err}");

        // A date that is not real is refused while parsing.
        let err = broken_calendar("\"2026-02-14\"", "\"2026-02-30\"");
        assert!(err.file.ends_with("calendar.toml"), "{err}");

        // A weekday as an adjusted workday breaks a rule: the file, the line and the problem.
        let err = broken_calendar("\"2026-02-28\"", "\"2026-02-27\"");
        assert!(err.file.ends_with("calendar.toml"), "{err}");
        assert!(err.to_string().contains("workday 2026-02-27"), "{err}");
        let line = err.line.expect("a line number");
        let text = std::fs::read_to_string(repo_catalog().join("calendar.toml")).unwrap();
        assert!(
            text.lines().nth(line - 1).unwrap().contains("2026-02-28"),
            "line {line}: {err}"
        );

        // A missing calendar stops the server too.
        let err = broken(|dir| std::fs::remove_file(dir.join("calendar.toml")).unwrap());
        assert!(err.file.ends_with("calendar.toml"), "{err}");
    }

    fn broken(edit: impl FnOnce(&Path)) -> CatalogError {
        let dir = std::env::temp_dir().join(format!("onetrip-cat-{}", uuid::Uuid::new_v4()));
        copy_dir(&repo_catalog(), &dir);
        edit(&dir);
        let err = load(&dir).expect_err("must fail");
        let _ = std::fs::remove_dir_all(&dir);
        err
    }

    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy_dir(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }

    #[test]
    fn a_syntax_error_names_file_and_line() {
        let err = broken(|dir| {
            let path = dir.join("matters/company-registration.toml");
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(&path, text.replacen("legal_days = ", "legal_days = = ", 1)).unwrap();
        });
        assert!(
            err.file.ends_with("matters/company-registration.toml"),
            "{err}"
        );
        let line = err.line.expect("a line number");
        assert!(err.to_string().contains(&format!("line {line}")), "{err}");
    }

    /// Found by the fuzz target `catalog_files`: an error at the start of a line (here a key
    /// given twice) was reported one line too early.
    #[test]
    fn an_error_at_the_start_of_a_line_names_that_line() {
        let err = broken(|dir| {
            let path = dir.join("matters/company-registration.toml");
            let text = std::fs::read_to_string(&path).unwrap();
            let text = text.replacen("legal_days = ", "legal_days = 1\nlegal_days = ", 1);
            std::fs::write(&path, text).unwrap();
        });
        let line = err.line.expect("a line number");
        let text =
            std::fs::read_to_string(repo_catalog().join("matters/company-registration.toml"))
                .unwrap();
        let first = text
            .lines()
            .position(|l| l.starts_with("legal_days = "))
            .unwrap()
            + 1;
        // The copy has the added line before the original one: the repeat is at `first + 1`.
        assert_eq!(line, first + 1, "{err}");
        assert_eq!(line_of("a\nb\n[x]", 4), 3);
        assert_eq!(line_of("a\nb = = 1", 6), 2);
        assert_eq!(line_of("", 10), 1);
    }

    #[test]
    fn a_broken_rule_names_the_file_and_the_problem() {
        let err = broken(|dir| {
            let path = dir.join("matters/company-registration.toml");
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(
                &path,
                text.replace("department = \"amr\"", "department = \"nowhere\""),
            )
            .unwrap();
        });
        assert!(
            err.file.ends_with("matters/company-registration.toml"),
            "{err}"
        );
        assert!(err.to_string().contains("no department `nowhere`"), "{err}");
    }
}
