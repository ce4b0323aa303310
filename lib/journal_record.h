// The record a program keeps in its journal entry while it works (nemo-send's message,
// nemo-export's render): each step is one status written at once, so a re-run after a kill at any
// moment finds the last step that happened.
#pragma once

#include <utility>

#include <nlohmann/json.hpp>

#include "error.h"
#include "journal.h"

namespace nemo {

class JournalRecord {
 public:
  JournalRecord(Journal::Entry& entry, nlohmann::json record)
      : entry_(entry), record_(std::move(record)) {}

  nlohmann::json& operator*() { return record_; }
  nlohmann::json* operator->() { return &record_; }

  // Writes the record with `status`, then keeps it as written (with the times the journal
  // stamped). A failure to write throws Error.
  void Save(const char* status) {
    record_["status"] = status;
    entry_.Write(record_);
    record_ = *entry_.value();
  }
  // Save, when another error is the one to report (or the previous status means the same to a
  // re-run): a failure to write is left unsaid.
  void TrySave(const char* status) {
    try {
      Save(status);
    } catch (const Error&) {
    }
  }

 private:
  Journal::Entry& entry_;
  nlohmann::json record_;
};

}  // namespace nemo
