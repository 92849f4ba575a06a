//! The window's side of every command and event, generated from the Rust signatures: names,
//! argument names and types, results, and event payloads all come from here, so nothing crossing
//! the boundary is typed twice. `make bindings` runs [`tests::export_bindings_commands`].

/// One command as the UI sees it.
pub struct CommandSpec {
    pub name: &'static str,
    pub doc: &'static str,
    /// (Rust argument name, TypeScript type).
    pub args: Vec<(&'static str, String)>,
    pub returns: String,
    /// Exported types the signature names: (TypeScript name, file).
    pub imports: Vec<(String, String)>,
}

/// Collects the exported types a Rust type refers to, generics included.
pub struct Imports(pub Vec<(String, String)>);

impl ts_rs::TypeVisitor for Imports {
    fn visit<T: ts_rs::TS + 'static + ?Sized>(&mut self) {
        if let Some(dep) = ts_rs::Dependency::from_ty::<T>() {
            let entry = (
                dep.ts_name,
                dep.output_path.with_extension("").display().to_string(),
            );
            if !self.0.contains(&entry) {
                self.0.push(entry);
            }
        }
        T::visit_generics(self);
    }
}

/// `project_id` → `projectId` (Tauri's own mapping of argument names).
pub fn camel_case(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The TypeScript module: typed wrappers for every command, and the events with their payloads.
pub fn render(
    commands: &[CommandSpec],
    events: &[(&str, &str, String, (String, String))],
) -> String {
    let mut imports: Vec<(String, String)> =
        commands.iter().flat_map(|c| c.imports.clone()).collect();
    imports.extend(events.iter().map(|(_, _, _, import)| import.clone()));
    imports.sort();
    imports.dedup();
    let mut out = String::from(
        "// Generated from src-tauri/src/commands.rs by `make bindings`; do not edit.\n\
         import { call } from \"../ipc\";\n",
    );
    for (name, file) in &imports {
        out += &format!("import type {{ {name} }} from \"./{file}\";\n");
    }
    out += "\nexport const commands = {\n";
    for c in commands {
        let doc: Vec<&str> = c
            .doc
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        if !doc.is_empty() {
            out += &format!("  /** {} */\n", doc.join(" "));
        }
        let params: Vec<String> = c
            .args
            .iter()
            .map(|(name, ty)| format!("{}: {ty}", camel_case(name)))
            .collect();
        let keys: Vec<String> = c.args.iter().map(|(name, _)| camel_case(name)).collect();
        out += &format!(
            "  {}: ({}) => call<{}>(\"{}\", {{{}}}),\n",
            camel_case(c.name),
            params.join(", "),
            c.returns,
            c.name,
            if keys.is_empty() {
                String::new()
            } else {
                format!(" {} ", keys.join(", "))
            }
        );
    }
    out += "};\n\n/** Events the app sends to the window, by name, with their payload types. */\n";
    for (constant, name, payload, _) in events {
        out += &format!(
            "export const {constant} = \"{name}\";\nexport type {}Payload = {payload};\n",
            pascal(constant)
        );
    }
    out
}

fn pascal(constant: &str) -> String {
    constant
        .split('_')
        .map(|w| {
            let lower = w.to_ascii_lowercase();
            let mut chars = lower.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}
