#include "exporter/config_file.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "exporter/log.h"
#include "exporter/strings.h"

namespace exporter {

namespace {
constexpr int kMaxIncludeDepth = 10;
constexpr size_t kMaxFileBytes = 1 << 20;  // a my.cnf is small; /dev/zero is not

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// Cuts a trailing "# comment" that stands outside quotes.
std::string_view StripEndComment(std::string_view line) {
  char quote = 0;
  bool escape = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if ((c == '\'' || c == '"') && !escape) {
      if (!quote) quote = c;
      else if (quote == c) quote = 0;
    } else if (!quote && c == '#') {
      return line.substr(0, i);
    }
    escape = quote && c == '\\' && !escape;
  }
  return line;
}

std::string Unescape(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '\\' || i + 1 == value.size()) {
      out.push_back(value[i]);
      continue;
    }
    char next = value[++i];
    switch (next) {
      case 'n': out.push_back('\n'); break;
      case 't': out.push_back('\t'); break;
      case 'r': out.push_back('\r'); break;
      case 'b': out.push_back('\b'); break;
      case 's': out.push_back(' '); break;
      case '"': out.push_back('"'); break;
      case '\'': out.push_back('\''); break;
      case '\\': out.push_back('\\'); break;
      default:
        out.push_back('\\');
        out.push_back(next);
    }
  }
  return out;
}

std::string Where(const std::string& file, int line) { return file + ":" + std::to_string(line); }

}  // namespace

void WarnIfReadableByOthers(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return;
  if (info.st_mode & (S_IRGRP | S_IROTH)) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", info.st_mode & 07777);
    log::Warn("config file holding a password is readable by others; chmod 600 it", {{"file", path}, {"mode", mode}});
  }
}

std::string NormalizeOptionKey(std::string_view key) {
  std::string out(key);
  std::replace(out.begin(), out.end(), '_', '-');
  if (StartsWith(out, "loose-")) out.erase(0, 6);
  return out;
}

void OptionGroup::Set(const ConfigOption& option) {
  auto key = NormalizeOptionKey(option.key);
  values_[key] = option.value;
  origins_[key] = Where(option.file, option.line);
}

std::optional<std::string> OptionGroup::Get(std::string_view key) const {
  auto it = values_.find(NormalizeOptionKey(key));
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string OptionGroup::Origin(std::string_view key) const {
  auto it = origins_.find(NormalizeOptionKey(key));
  return it == origins_.end() ? std::string() : it->second;
}

Expected<OptionFile> OptionFile::Read(const std::string& path) {
  OptionFile file;
  if (auto status = file.ReadInto(path, 0, true); !status) return status;
  return file;
}

Expected<OptionFile> OptionFile::Parse(std::string_view content, const std::string& name) {
  OptionFile file;
  if (auto status = file.ParseInto(content, name, 0); !status) return status;
  return file;
}

Status OptionFile::ReadInto(const std::string& path, int depth, bool required) {
  auto content = ReadFile(path, kMaxFileBytes);
  if (!content) {
    if (!required) return {};
    return Status::Error("cannot read config file " + path + ": " + std::strerror(errno));
  }
  return ParseInto(*content, path, depth);
}

Status OptionFile::ParseInto(std::string_view content, const std::string& name, int depth) {
  std::string group;
  bool in_group = false;
  int line_number = 0;
  for (auto raw_line : Split(content, '\n')) {
    ++line_number;
    std::string_view line = Trim(raw_line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;

    if (line[0] == '!') {
      bool is_includedir = StartsWith(line, "!includedir") && line.size() > 11 && IsSpace(line[11]);
      bool is_include = !is_includedir && StartsWith(line, "!include") && line.size() > 8 && IsSpace(line[8]);
      if (!is_include && !is_includedir) {
        return Status::Error(Where(name, line_number) + ": unknown directive '" + std::string(line) + "'");
      }
      std::string target(Trim(line.substr(is_includedir ? 11 : 8)));
      if (target.empty()) return Status::Error(Where(name, line_number) + ": !include without a path");
      // A relative path is relative to the working directory, as the client reads it.
      if (depth >= kMaxIncludeDepth) continue;  // as the client: deeper includes are skipped
      if (is_include) {
        if (auto status = ReadInto(target, depth + 1, false); !status) return status;
        continue;
      }
      DIR* dir = ::opendir(target.c_str());
      if (!dir) {
        return Status::Error(Where(name, line_number) + ": cannot read directory " + target + ": " +
                             std::strerror(errno));
      }
      std::vector<std::string> files;
      while (dirent* entry = ::readdir(dir)) {
        std::string_view file_name = entry->d_name;
        if (file_name.size() > 4 && file_name.substr(file_name.size() - 4) == ".cnf") files.emplace_back(file_name);
      }
      ::closedir(dir);
      std::sort(files.begin(), files.end());
      for (const auto& file : files) {
        if (auto status = ReadInto(target + "/" + file, depth + 1, false); !status) return status;
      }
      continue;
    }

    if (line[0] == '[') {
      size_t close = line.find(']');
      if (close == std::string_view::npos) {
        return Status::Error(Where(name, line_number) + ": group header without ']'");
      }
      std::string_view header = line.substr(1, close - 1);
      while (!header.empty() && IsSpace(header.back())) header.remove_suffix(1);
      group = std::string(header);
      in_group = true;
      if (std::find(groups_.begin(), groups_.end(), Lower(group)) == groups_.end()) groups_.push_back(Lower(group));
      continue;
    }

    if (!in_group) {
      return Status::Error(Where(name, line_number) + ": option without a preceding [group]");
    }

    std::string_view body = StripEndComment(line);
    ConfigOption option;
    option.group = group;
    option.file = name;
    option.line = line_number;
    size_t equals = body.find('=');
    if (equals == std::string_view::npos) {
      option.key = std::string(Trim(body));
    } else {
      option.key = std::string(Trim(body.substr(0, equals)));
      std::string_view value = Trim(body.substr(equals + 1));
      if (value.size() > 1 && (value.front() == '"' || value.front() == '\'') && value.front() == value.back()) {
        value = value.substr(1, value.size() - 2);
      }
      option.value = Unescape(value);
      option.has_value = true;
    }
    options_.push_back(std::move(option));
  }
  return {};
}

std::vector<ConfigOption> OptionFile::Options(const std::vector<std::string>& groups) const {
  std::vector<std::string> wanted;
  for (const auto& group : groups) wanted.push_back(Lower(group));
  std::vector<ConfigOption> selected;
  for (const auto& option : options_) {
    if (std::find(wanted.begin(), wanted.end(), Lower(option.group)) != wanted.end()) selected.push_back(option);
  }
  return selected;
}

OptionGroup OptionFile::Group(std::string_view name) const {
  OptionGroup result;
  std::string lower = Lower(name);
  auto dot = lower.find('.');
  if (dot != std::string::npos) {
    for (const auto& option : Options({lower.substr(0, dot)})) result.Set(option);
  }
  for (const auto& option : Options({lower})) result.Set(option);
  return result;
}

bool OptionFile::HasGroup(std::string_view name) const {
  return std::find(groups_.begin(), groups_.end(), Lower(name)) != groups_.end();
}

}  // namespace exporter
