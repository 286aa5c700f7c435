// RUN: etch-opt --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(etch-common-profile-instrument)' %s

// expected-error @below {{--profile: no entry function 'main'}}
module {
  func.func @other() {
    return
  }
}
