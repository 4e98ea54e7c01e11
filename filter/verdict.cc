#include "filter/verdict.h"

#include <algorithm>

namespace ms::filter {

void Verdict::Add(Hit hit) {
  if (hit.action == Action::kTag && tags_.size() < kMaxTags &&
      std::find(tags_.begin(), tags_.end(), hit.text) == tags_.end())
    tags_.push_back(hit.text);
  if (hit.action == Action::kWarn) ++warnings_;
  if (!decisive_ || static_cast<int>(hit.action) > static_cast<int>(decisive_->action)) decisive_ = std::move(hit);
}

}  // namespace ms::filter
