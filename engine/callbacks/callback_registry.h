// The callbacks a project can switch on (EarlyStopping, ReduceLROnPlateau, ModelCheckpoint), each described
// once with Keras's parameter names and defaults: the inspector builds its rows from these entries, the
// project loader checks files against them, training creates the callbacks through them, and the Python
// export can write the non-default arguments. Configs are Keras's: {"class_name": "EarlyStopping",
// "config": {"monitor": "val_loss", "patience": 3}}.
#pragma once
#include "callbacks/callback.h"
#include "core/registry.h"

namespace cornu {

Registry<Callback>& callback_registry();

// {"class_name": ..., "config": {...}} with the config's defaults filled in and checked; throws ValueError
// naming what is wrong (an unknown class or key, a value out of range).
Config resolve_callback(const Config& object);
// The callback itself. A ModelCheckpoint needs a non-empty filepath by now (the caller places it).
CallbackPtr make_callback(const Config& object);

}  // namespace cornu
