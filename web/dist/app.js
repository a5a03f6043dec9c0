/* placeholder: built by web/build.mjs */
