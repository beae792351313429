// Template definitions for core/registry.h.
#pragma once
#include <algorithm>

#include "core/error.h"

namespace cornu {

namespace detail {
// "GlorotUniform" and "glorot_uniform" name the same thing in Keras configs.
std::string normalize_name(const std::string& name);
}  // namespace detail

template <class Product>
void Registry<Product>::add(Entry entry) {
  std::vector<std::string> all = entry.aliases;
  all.push_back(entry.name);
  if (!entry.keras_class.empty()) all.push_back(entry.keras_class);
  for (const auto& n : all)
    if (const Entry* existing = lookup(n); existing && existing->name != entry.name)
      throw Error("The " + kind_ + " registry already has '" + existing->name + "' answering to '" + n + "'.");
  if (lookup(entry.name)) throw Error("The " + kind_ + " '" + entry.name + "' is registered twice.");
  entries_.push_back(std::move(entry));
}

template <class Product>
const RegistryEntry<Product>* Registry<Product>::lookup(const std::string& name) const {
  for (const auto& e : entries_) {
    if (e.name == name || e.keras_class == name) return &e;
    for (const auto& a : e.aliases)
      if (a == name) return &e;
  }
  std::string key = detail::normalize_name(name);
  for (const auto& e : entries_) {
    if (detail::normalize_name(e.name) == key) return &e;
    if (!e.keras_class.empty() && detail::normalize_name(e.keras_class) == key) return &e;
  }
  return nullptr;
}

template <class Product>
const RegistryEntry<Product>& Registry<Product>::get(const std::string& name) const {
  if (const Entry* e = lookup(name)) return *e;
  std::string hint = did_you_mean(name, names());
  std::string list;
  for (const auto& n : names()) list += (list.empty() ? "" : ", ") + n;
  throw ValueError("Unknown " + kind_ + " '" + name + "'. " + (hint.empty() ? "" : hint + " ") + "Known " + kind_ +
                   "s: " + list + ".");
}

template <class Product>
std::vector<std::string> Registry<Product>::names() const {
  std::vector<std::string> out;
  for (const auto& e : entries_) out.push_back(e.name);
  return out;
}

template <class Product>
std::shared_ptr<Product> Registry<Product>::create(const std::string& name, const Config& config,
                                                   const std::vector<std::string>& passthrough) const {
  const Entry& e = get(name);
  return e.create(resolve_config(e.name, e.params, config, passthrough));
}

}  // namespace cornu
