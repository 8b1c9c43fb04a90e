enum LoaderPlaceholder {}
