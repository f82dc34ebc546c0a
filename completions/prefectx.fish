complete --keep-order --exclusive --command prefectx --arguments "(COMPLETE=fish prefectx -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
