// SPDX-License-Identifier: MIT
#include "cli/command_line.h"

#include <cstdio>
#include <memory>

#include "base/error.h"
#include "cli/commands.h"

namespace msf::cli {
namespace {

constexpr size_t kHelpWidth = 100;

std::string Path(const CLI::App& app) {
  return app.get_parent() == nullptr ? app.get_name() : Path(*app.get_parent()) + " " + app.get_name();
}

std::vector<const CLI::App*> NamedSubcommands(const CLI::App& app) {
  std::vector<const CLI::App*> subs;
  for (const CLI::App* s : app.get_subcommands([](const CLI::App* s) { return !s->get_name().empty(); })) {
    subs.push_back(s);
  }
  return subs;
}

std::string OptionUsage(const CLI::Option& opt) {
  const std::string type = opt.get_type_name();
  return opt.get_name() + (opt.get_type_size_max() == 0 || type.empty() ? "" : " " + type);
}

// The usage after the command path: positionals, then the options in
// declaration order ([optional], required, (alternative | ...)).
std::vector<std::string> UsageElements(const CLI::App& app) {
  std::vector<std::string> out;
  for (const CLI::Option* opt : app.get_options([](const CLI::Option* o) { return o->get_positional(); })) {
    out.push_back(opt->get_required() ? opt->get_name() : "[" + opt->get_name() + "]");
  }
  bool alternatives_done = false;
  for (const CLI::Option* opt : app.get_options([](const CLI::Option* o) { return o->nonpositional(); })) {
    if (opt == app.get_help_ptr() || opt == app.get_help_all_ptr() || opt->get_group().empty()) continue;
    if (opt->get_group() == kChooseOneGroup) {
      if (alternatives_done) continue;
      alternatives_done = true;
      std::string alt;
      for (const CLI::Option* o : app.get_options([](const CLI::Option* o) { return o->get_group() == kChooseOneGroup; })) {
        alt += (alt.empty() ? "(" : " | ") + OptionUsage(*o);
      }
      out.push_back(alt + ")");
    } else {
      out.push_back(opt->get_required() ? OptionUsage(*opt) : "[" + OptionUsage(*opt) + "]");
    }
  }
  return out;
}

// Splits `line` at spaces outside brackets and wraps it to kHelpWidth, the
// continuation lines indented by `indent`.
std::string Wrap(const std::string& line, size_t indent) {
  std::vector<std::string> words(1);
  int depth = 0;
  for (char c : line) {
    depth += (c == '[' || c == '(') ? 1 : (c == ']' || c == ')') ? -1 : 0;
    if (c == ' ' && depth == 0) {
      words.emplace_back();
    } else {
      words.back() += c;
    }
  }
  std::string out, current;
  for (const std::string& w : words) {
    if (!current.empty() && current.size() + 1 + w.size() > kHelpWidth) {
      out += current + "\n";
      current = std::string(indent, ' ');
    }
    current += (current.empty() || current.back() == ' ' ? "" : " ") + w;
  }
  return out + current;
}

// Usage first (so the text starts "usage: msf ..."), then CLI11's option and
// subcommand lists.
class Formatter : public CLI::Formatter {
 public:
  Formatter() { column_width(32); }
  std::string make_usage(const CLI::App* app, std::string) const override {
    const std::string usage = UsageLine(*app);
    const size_t indent = std::string("usage: ").size() + (app->get_parent() ? Path(*app).size() + 1 : 0);
    return Wrap(usage, NamedSubcommands(*app).empty() ? indent : std::string("usage: ").size()) + "\n";
  }
  std::string make_help(const CLI::App* app, std::string name, CLI::AppFormatMode mode) const override {
    if (mode == CLI::AppFormatMode::Sub) return CLI::Formatter::make_help(app, name, mode);
    return make_usage(app, name) + make_description(app) + make_positionals(app) + make_groups(app, mode) +
           make_subcommands(app, mode) + "\n" + make_footer(app);
  }
};

const CLI::App* Deepest(const CLI::App* app) {
  const std::vector<CLI::App*> parsed = app->get_subcommands();
  return parsed.empty() ? app : Deepest(parsed.front());
}

// CLI11's parse errors as msf's one-line messages.
std::string ParseErrorLine(const CLI::App& root, const CLI::ParseError& e) {
  const CLI::App* app = Deepest(&root);
  // Arguments no option or positional took stay with the command parsing them.
  for (const CLI::App* a = app; a != nullptr; a = a->get_parent()) {
    const std::vector<std::string> left = a->remaining(false);
    for (const std::string& arg : left) {
      if (arg.size() > 1 && arg[0] == '-') return "unknown option " + arg;
    }
    if (left.empty()) continue;
    if (a->get_parent() == nullptr) return "unknown command '" + left[0] + "' (try msf --help)";
    return "unexpected argument '" + left[0] + "' (" + UsageLine(*a) + ")";
  }
  if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr) {
    for (const CLI::Option* opt : app->get_options()) {
      if (!opt->get_required() || opt->count() > 0) continue;
      if (opt->get_positional()) break;  // a missing MODEL: the usage says it all
      return "missing required option " + opt->get_name();
    }
    return UsageLine(*app);  // a missing positional or subcommand
  }
  const std::string what = e.what();
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) != nullptr && what.rfind("--", 0) == 0 &&
      what.find(" missing") != std::string::npos) {
    return "option " + what.substr(0, what.find(':')) + " needs a value";  // "--json: 1 required FILE missing"
  }
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) != nullptr && what.find(" was given a disallowed flag override") != std::string::npos) {
    return "option --" + what.substr(0, what.find(' ')) + " takes no value";  // "--min-ram=2"
  }
  return what;
}

}  // namespace

std::string UsageLine(const CLI::App& app) {
  if (app.get_parent() == nullptr) return "usage: " + app.get_name() + " <command> [options]";
  const std::vector<const CLI::App*> subs = NamedSubcommands(app);
  if (!subs.empty()) {
    std::string alternatives;
    for (const CLI::App* s : subs) alternatives += (alternatives.empty() ? "" : " | ") + UsageLine(*s).substr(7);
    return "usage: " + alternatives;
  }
  std::string line = "usage: " + Path(app);
  for (const std::string& e : UsageElements(app)) line += " " + e;
  return line;
}

CLI::Option* AddValue(CLI::App* app, const std::string& name, const std::string& placeholder, const std::string& help,
                      std::function<void(const std::string&)> parse) {
  // Runs once parsing is complete; an msf::Error from `parse` is the user's error line.
  CLI::Option* opt = app->add_option_function<std::string>(name, std::move(parse), help);
  opt->type_name(placeholder);
  opt->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  return opt;
}

CLI::Option* AddText(CLI::App* app, const std::string& name, const std::string& placeholder, const std::string& help,
                     std::optional<std::string>* value) {
  return AddValue(app, name, placeholder, help, [value](const std::string& v) { *value = v; });
}

CLI::Option* AddFlag(CLI::App* app, const std::string& name, const std::string& help, bool* value) {
  // A flag takes no value: --check=false would read as --check.
  return app->add_flag(name, *value, help)->disable_flag_override()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

CLI::Option* AddModel(CLI::App* app, std::string* model) {
  return app->add_option("MODEL", *model, "a .tflite file or zoo:NAME")->required()->type_name("");
}

int ParseJobs(const std::string& text) {
  int jobs = 0;
  try {
    jobs = std::stoi(text);
  } catch (const std::exception&) {
    jobs = 0;
  }
  if (jobs < 1 || jobs > 64) throw Error("--jobs must be a number from 1 to 64, got '" + text + "'");
  return jobs;
}

int RunCommandLine(int argc, char** argv) {
  CLI::App app("msf plans and compiles patch-based fused int8 CNN inference for microcontrollers.", "msf");
  app.formatter(std::make_shared<Formatter>());
  app.set_help_flag("-h,--help", "print this help and exit");  // subcommands inherit both
  app.require_subcommand(1);
  std::vector<Command> commands;
  AddInfo(app, &commands);
  AddRun(app, &commands);
  AddPlan(app, &commands);
  AddPareto(app, &commands);
  AddReport(app, &commands);
  AddCodegen(app, &commands);
  AddCalibrate(app, &commands);
  app.footer(  // after the subcommands, which would inherit it
      "MODEL is a .tflite file or zoo:NAME (zoo:mbv2-w0.35-r144, zoo:mcunet-vww-5fps-r80, zoo:mcunet-320kb-r176).\n"
      "msf <command> --help lists the command's options.");

  if (argc <= 1) {
    std::fputs(app.help().c_str(), stderr);
    return 2;
  }
  if (argc == 2 && std::string(argv[1]) == "help") {
    std::fputs(app.help().c_str(), stdout);
    return 0;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);  // the help of the command named
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    std::fputs(app.help("", CLI::AppFormatMode::All).c_str(), stdout);
    return 0;
  } catch (const CLI::ParseError& e) {
    throw Error(ParseErrorLine(app, e));
  }
  for (const Command& c : commands) {
    if (c.app->parsed()) return c.run();
  }
  throw Error("internal: no command was parsed");
}

}  // namespace msf::cli
